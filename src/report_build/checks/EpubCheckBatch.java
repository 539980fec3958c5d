/*
 * EPUBCheck on book after book in one Java process (report-build's validators.EpubCheckRunner).
 *
 * Each EPUBCheck command line starts a Java machine that compiles the same schemas again: about
 * ten seconds of processor time per book. This program reads pairs of lines on its standard
 * input, the book's path and the path of the JSON report to write, runs EPUBCheck's own command
 * line on each (exactly `epubcheck BOOK -q --json REPORT`), and answers each pair with one line:
 * the marker given as its one argument, followed by EPUBCheck's exit status. It ends with its input.
 */
import com.adobe.epubcheck.tool.EpubChecker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

public class EpubCheckBatch {
    public static void main(String[] args) throws IOException {
        String done = args[0];
        BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String book;
        while ((book = input.readLine()) != null) {
            String report = input.readLine();
            if (report == null) {
                break;
            }
            int status;
            try {
                status = new EpubChecker().run(new String[] {book, "-q", "--json", report});
            } catch (RuntimeException error) {
                error.printStackTrace(System.out);
                status = -1;
            }
            System.out.println(done + status);
            System.out.flush();
        }
    }
}
