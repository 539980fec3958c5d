// The live preview in headless Chromium (Debian's /usr/bin/chromium, or CHROMIUM_BIN), driven
// by puppeteer-core as check.mjs is. Every request that leaves the preview's address is
// refused and reported. Prints one JSON report on stdout.
//
//   node preview.mjs follow URL --file FILE --from TEXT --to TEXT [--expect TEXT] [--rounds N] [--scroll ID]
//                   [--width PX] [--height PX]
//       Opens URL (a window --width by --height px), scrolls the element with id ID to 120 px
//       below the top of the window (as far as the page allows; "before" says where), then,
//       N times, replaces TEXT in FILE by the --to text ("{n}" in it becomes the round's number,
//       and the next round replaces that) and times how long until the open page shows the new
//       text (or the --expect text: a message in the preview's panel), which it must do by
//       itself: this script never reloads. Reports per round the
//       milliseconds, how many times the page was loaded, where it is, and where the element
//       ID stands afterwards.
//   node preview.mjs shots DIR URL... [--widths 375,1280] [--axe]
//       Screenshots (full page) of each URL at each width, after the page has settled (scrolled
//       through once, so that images loaded lazily are there); with --axe, axe-core's WCAG 2.2
//       A and AA rules on each, as check.mjs runs them (the page is fetched again for the audit:
//       axe-core is added to it as a script, which the preview's policy refuses).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

const FLAGS = [
  "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-extensions",
  "--font-render-hinting=none",
];
const args = process.argv.slice(2);
const mode = args[0];
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const positional = args.slice(1).filter((arg, i, all) => !arg.startsWith("--") && !(i > 0 && all[i - 1].startsWith("--")));
const report = { mode, rounds: [], external: [], errors: [], screenshots: [] };
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM_BIN || "/usr/bin/chromium", args: FLAGS, headless: true,
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function open(url, width, height = 900) {
  const origin = new URL(url).origin;
  const page = await browser.newPage();
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    const target = request.url();
    if (target.startsWith(origin + "/") || target.startsWith("data:") || target === "about:blank") {
      request.continue();
    } else {
      report.external.push(target);
      request.abort("blockedbyclient");
    }
  });
  page.on("pageerror", (error) => report.errors.push(String(error)));
  page.on("console", (message) => { if (message.type() === "error") report.errors.push(message.text()); });
  await page.setViewport({ width, height, deviceScaleFactor: 1 });
  await page.goto(url, { waitUntil: "load" });
  await page.evaluate(() => document.fonts.ready);
  return page;
}

async function shows(page, text) {
  try {
    return await page.evaluate((t) => document.readyState !== "loading" && document.body.innerText.includes(t), text);
  } catch (error) {
    return false;  // the page is being replaced
  }
}

async function where(page, id) {
  try {
    return await page.evaluate((id) => {
      const element = id && document.getElementById(id);
      return { url: location.pathname + location.hash, top: element ? Math.round(element.getBoundingClientRect().top) : null,
               scrollY: Math.round(window.scrollY), panel: (document.getElementById("rb-preview") || {}).textContent || "",
               scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth };
    }, id);
  } catch (error) {
    return { url: null, top: null, scrollY: null, panel: "", scrollWidth: null, clientWidth: null };
  }
}

async function audit(url, width) {
  const page = await browser.newPage();
  await page.setBypassCSP(true);  // axe-core comes in as a script of its own
  await page.setViewport({ width, height: 900, deviceScaleFactor: 1 });
  await page.goto(url, { waitUntil: "load" });
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => `${v.id}: ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  }, TAGS);
  await page.close();
  return found;
}

if (mode === "follow") {
  const url = positional[0];
  const file = option("--file");
  let before = option("--from");
  const template = option("--to");
  const rounds = Number(option("--rounds", "1"));
  const id = option("--scroll", "");
  const page = await open(url, Number(option("--width", "1280")), Number(option("--height", "900")));
  let loads = 0;
  page.on("framenavigated", (frame) => { if (frame === page.mainFrame()) loads += 1; });
  if (id) {
    await page.evaluate((id) => {
      const element = document.getElementById(id);
      window.scrollTo({ top: window.scrollY + element.getBoundingClientRect().top - 120, behavior: "instant" });
    }, id);
  }
  await sleep(300);  // the page's script has asked the preview what is new
  report.before = await where(page, id);
  for (let n = 1; n <= rounds; n++) {
    const after = template.replaceAll("{n}", String(n));
    const expected = option("--expect", after).replaceAll("{n}", String(n));
    const start = Date.now();
    const loadsBefore = loads;
    const text = fs.readFileSync(file, "utf8");
    if (!text.includes(before)) throw new Error(`${file} does not contain ${JSON.stringify(before)}`);
    fs.writeFileSync(file, text.replace(before, after));
    let found = false;
    while (Date.now() - start < Number(option("--timeout", "60000"))) {
      if (await shows(page, expected)) { found = true; break; }
      await sleep(10);
    }
    const ms = Date.now() - start;
    await sleep(400);  // let the page put the reader back where they were
    report.rounds.push({ n, ms, found, loads: loads - loadsBefore, ...(await where(page, id)) });
    before = after;
    await sleep(Number(option("--pause", "300")));
  }
} else if (mode === "shots") {
  const dir = path.resolve(positional[0]);
  fs.mkdirSync(dir, { recursive: true });
  for (const url of positional.slice(1)) {
    for (const width of option("--widths", "375,1280").split(",").map(Number)) {
      const page = await open(url, width);
      await page.evaluate(async () => {  // bring in what loads lazily (the print view's pages)
        for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
          window.scrollTo({ top: y, behavior: "instant" });
          await new Promise((resolve) => setTimeout(resolve, 150));
        }
        window.scrollTo({ top: 0, behavior: "instant" });
      });
      // The preview's pending poll is always in flight: idle means nothing else is.
      await page.waitForNetworkIdle({ idleTime: 300, timeout: 60000, concurrency: 1 }).catch(() => {});
      await sleep(300);
      const name = new URL(url).pathname.replace(/^\//, "").replace(/[\/.]/g, "-") || "index";
      const shot = path.join(dir, `${name}-${width}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      report.screenshots.push(shot);
      report.rounds.push({ url, width, ...(await where(page, "")), violations: args.includes("--axe") ? await audit(url, width) : [] });
      await page.close();
    }
  }
}
await browser.close();
process.stdout.write(JSON.stringify(report) + "\n");
