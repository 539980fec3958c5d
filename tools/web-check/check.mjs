// Browser checks of a built web edition, in headless Chromium (Debian's /usr/bin/chromium,
// or CHROMIUM_BIN), driven by puppeteer-core; both pinned in package-lock.json
// (`make web-check-deps`). No network: every request that leaves the site folder is refused
// and reported.
//
//   node check.mjs SITE_DIR SHOTS_DIR [--shots index.html,chapter-02.html] [--search WORD] [--root DIR]
//
// --root: the folder of editions built together (the site's parent when it is output/web/ar),
// inside which links and requests may go; the site itself by default. Sub-folders that are
// other editions are checked too.
//
// For every page: axe-core (WCAG 2.0/2.1/2.2 A and AA) at 1280 px in light and dark mode and
// at 375 and 320 px; whether the page scrolls sideways at 375 and 320 px; every region that
// scrolls sideways (at 1280 and 320 px), with whether a keyboard can reach it, its name and its
// scroll cue; what the page's Content-Security-Policy refused; its ids and links. Then every
// internal link and fragment is resolved against the files and ids found. Prints one JSON
// report on stdout.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];
const FLAGS = [
  "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-extensions",
  "--allow-file-access-from-files", "--font-render-hinting=none",
];

const args = process.argv.slice(2);
const site = path.resolve(args[0]);
const shotsDir = path.resolve(args[1]);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const shots = option("--shots", "index.html").split(",").filter(Boolean);
const searchWord = option("--search", "");
const root = path.resolve(option("--root", args[0]));
const siteUrl = pathToFileURL(site).href + "/";
const rootUrl = pathToFileURL(root).href + "/";

function pages(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!["downloads", "assets", "images"].includes(entry.name)) found.push(...pages(full));
    } else if (entry.name.endsWith(".html")) {
      found.push(full);
    }
  }
  return found.sort();
}

const report = { pages: {}, external: [], broken: [], screenshots: [], search: null, notes: null };
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM_BIN || "/usr/bin/chromium",
  args: FLAGS,
  headless: true,
});

async function open(url, width, scheme) {
  const page = await browser.newPage();
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    const target = request.url();
    if (target.startsWith(rootUrl) || target.startsWith("data:") || target === "about:blank") {
      request.continue();
    } else {
      report.external.push({ from: url, url: target });
      request.abort("blockedbyclient");
    }
  });
  // What the page's Content-Security-Policy refuses, from the first byte on.
  await page.evaluateOnNewDocument(() => {
    window.__refused = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__refused.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
    });
  });
  await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: scheme }]);
  await page.setViewport({ width, height: 900, deviceScaleFactor: 1 });
  await page.goto(url, { waitUntil: "load" });
  await page.evaluate(() => document.fonts.ready);
  return page;
}

// Every element that scrolls sideways: can a keyboard reach it (it or something inside it is
// focusable), what is it called, and does it show that there is more (a shadow at the edge
// that the text is cut at: a background image on it).
async function scrollers(page) {
  return page.evaluate(() => {
    const focusable = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])";
    return [...document.querySelectorAll("body *")].filter((e) => {
      const style = getComputedStyle(e);
      return ["auto", "scroll"].includes(style.overflowX) && e.scrollWidth > e.clientWidth + 1;
    }).map((e) => ({
      tag: e.tagName.toLowerCase(), cls: e.className, html: e.outerHTML.slice(0, 120),
      reachable: e.matches(focusable) || !!e.querySelector(focusable),
      role: e.getAttribute("role"), label: e.getAttribute("aria-label") || e.getAttribute("aria-labelledby"),
      cue: getComputedStyle(e).backgroundImage !== "none",
    }));
  });
}

async function axe(page) {
  await page.evaluate(AXE);  // not a <script> element: the page's policy allows none
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 200), summary: n.failureSummary })),
    }));
  }, TAGS);
}

// The phrases of a Japanese or Chinese title or heading (phrases.py) that a line breaks inside
// although the phrase, on a line of its own, would fit.
async function splitPhrases(page) {
  return page.evaluate(() => [...document.querySelectorAll(".phrase")].flatMap((e) => {
    const style = getComputedStyle(e);
    const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
    const lines = style.display === "inline"
      ? e.getClientRects().length
      : Math.round(e.getBoundingClientRect().height / lineHeight);
    if (lines < 2) return [];
    const probe = e.cloneNode(true);
    probe.style.cssText = "display: inline-block; white-space: nowrap; max-width: none; position: absolute; visibility: hidden";
    e.parentElement.append(probe);
    const natural = probe.getBoundingClientRect().width;
    probe.remove();
    let box = e.parentElement;
    while (getComputedStyle(box).display.startsWith("inline")) box = box.parentElement;
    const room = box.clientWidth - parseFloat(getComputedStyle(box).paddingLeft) - parseFloat(getComputedStyle(box).paddingRight);
    return natural <= room ? [{ text: e.textContent, lines, natural: Math.round(natural), room: Math.round(room) }] : [];
  }));
}

for (const file of pages(site)) {
  const relative = path.relative(site, file).split(path.sep).join("/");
  const url = pathToFileURL(file).href;
  const entry = {
    violations: [], overflow: null, narrowest: null, ids: [], links: [], refused: [], scrollers: [], split: [],
  };
  for (const [width, scheme] of [[1280, "light"], [1280, "dark"], [375, "light"], [320, "light"]]) {
    const page = await open(url, width, scheme);
    if (scheme === "light") {
      entry.refused.push(...(await page.evaluate(() => window.__refused)).map((r) => ({ ...r, width })));
    }
    if (scheme === "light" && width !== 375) {
      entry.scrollers.push(...(await scrollers(page)).map((r) => ({ ...r, width })));
    }
    for (const v of await axe(page)) entry.violations.push({ ...v, width, scheme });
    if (scheme === "light") entry.split.push(...(await splitPhrases(page)).map((p) => ({ ...p, width })));
    if (width === 1280 && scheme === "light") {
      entry.regions = await page.evaluate(() => ({
        main: document.querySelector("main") ? document.querySelector("main").clientWidth : 0,
        regions: [...document.querySelectorAll("[role='region']")].map((e) => ({
          cls: e.className, label: e.getAttribute("aria-label"), width: e.getBoundingClientRect().width,
          scrolls: e.scrollWidth > e.clientWidth + 1,
        })),
      }));
      const found = await page.evaluate(() => ({
        ids: [...document.querySelectorAll("[id]")].map((e) => e.id),
        links: [...document.querySelectorAll("a[href], link[href]")].map((a) => a.href),
        resources: [...document.querySelectorAll("img[src], script[src]")].map((e) => e.src),
      }));
      entry.ids = found.ids;
      entry.links = [...found.links, ...found.resources];
    }
    if (width === 375 || width === 320) {
      entry[width === 375 ? "overflow" : "narrowest"] = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
    }
    if (shots.includes(relative)) {
      fs.mkdirSync(shotsDir, { recursive: true });
      const suffix = scheme === "dark" ? "-dark" : "";
      const shot = path.join(shotsDir, `${relative.replace(/[\/.]/g, "-")}-${width}${suffix}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      report.screenshots.push(shot);
    }
    if (width === 375 && relative.startsWith("chapter-") && report.notes === null) {
      const call = await page.$("a.noteref[data-note]");
      if (call) {
        await call.click();
        report.notes = await page.evaluate(() => {
          const call = document.querySelector("a.noteref[data-note]");
          const note = document.getElementById(call.getAttribute("data-note"));
          const box = note.getBoundingClientRect();
          return { page: location.pathname.split("/").pop(), expanded: call.getAttribute("aria-expanded"),
                   visible: box.height > 0 && getComputedStyle(note).display !== "none", text: note.textContent.trim().slice(0, 80),
                   hash: location.hash };
        });
      }
    }
    await page.close();
  }
  report.pages[relative] = entry;
}

// Every link inside the site resolves: the file exists and, for a fragment, holds the id.
for (const [from, entry] of Object.entries(report.pages)) {
  for (const link of entry.links) {
    if (!link.startsWith("file:")) continue;
    const target = new URL(link);
    const fragment = decodeURIComponent(target.hash.slice(1));
    const file = fileURLToPath(new URL(target.pathname, target));
    if (!file.startsWith(root + path.sep) && file !== root) {
      report.broken.push({ from, link, reason: "outside the site" });
      continue;
    }
    const exists = fs.existsSync(file) && fs.statSync(file).isFile();
    if (!exists) {
      report.broken.push({ from, link, reason: "no such file" });
      continue;
    }
    const name = path.relative(site, file).split(path.sep).join("/");
    if (fragment && !report.pages[name]) {
      report.broken.push({ from, link, reason: `fragment in a page that was not checked: ${name}` });
    } else if (fragment && !report.pages[name].ids.includes(fragment)) {
      report.broken.push({ from, link, reason: `no id '${fragment}' in ${name}` });
    }
  }
}

if (searchWord && report.pages["search.html"]) {
  const page = await open(`${siteUrl}search.html?q=${encodeURIComponent(searchWord)}`, 1280, "light");
  report.search = await page.evaluate(() => ({
    status: document.getElementById("search-status").textContent,
    results: [...document.querySelectorAll("#search-results a")].map((a) => ({ text: a.textContent, href: a.href })),
  }));
  if (shots.includes("search.html")) {
    const shot = path.join(shotsDir, "search-results-1280.png");
    await page.screenshot({ path: shot, fullPage: true });
    report.screenshots.push(shot);
  }
  await page.close();
}

await browser.close();
process.stdout.write(JSON.stringify(report, null, 1) + "\n");
