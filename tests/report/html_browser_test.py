#!/usr/bin/env python3
"""The HTML report of `sgcheck report`, opened in a real headless Chromium (Debian's chromium and
chromium-driver, driven by Selenium): it loads with no console error and no network request, shows
as many findings as `lint --format json` gives, hides the others when filtered by one severity,
and a screenshot of it is written to the build directory. Chromium missing is a failure, not a
skip: bootstrap installs it.
Usage: html_browser_test.py SGCHECK SOURCE_ROOT BUILD_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import unittest

SGCHECK, SOURCE_ROOT, BUILD_DIR = (os.path.abspath(p) for p in sys.argv[1:4])
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
EXAMPLES = ["examples/lint", "examples/three-tier"]


def run(*args):
    return subprocess.run([SGCHECK, *args], cwd=SOURCE_ROOT, capture_output=True, text=True)


def open_browser():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        raise AssertionError(f"{', '.join(missing)} missing: run scripts/bootstrap (chromium, "
                             "chromium-driver and python3-selenium are test dependencies)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1400,1000",
                     "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


class HtmlReportInBrowser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.browser = open_browser()

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()

    def report_of(self, example):
        name = os.path.basename(example)
        path = os.path.join(os.path.abspath(BUILD_DIR), f"report-{name}.html")
        result = run("report", example, "--out", path)
        self.assertEqual(result.returncode, 0, result.stderr)
        lint = run("lint", "--format", "json", example)
        return path, json.loads(lint.stdout)["findings"]

    def requests_made(self):
        """Every URL the page asked the network stack for, from Chromium's performance log."""
        urls = []
        for entry in self.browser.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls

    def visible_rows(self):
        return self.browser.execute_script(
            "return Array.from(document.querySelectorAll('#findings-table tbody tr'))"
            ".filter(r => !r.hidden && r.offsetParent !== null)"
            ".map(r => r.dataset.severity);")

    def test_report_in_browser(self):
        for example in EXAMPLES:
            with self.subTest(example=example):
                path, findings = self.report_of(example)
                self.browser.get_log("performance")  # what came before this page
                self.browser.get("file://" + path)
                self.assertEqual(self.browser.execute_script("return document.readyState"),
                                 "complete")
                errors = [e for e in self.browser.get_log("browser") if e["level"] == "SEVERE"]
                self.assertEqual(errors, [], "console errors")
                others = [u for u in self.requests_made() if u != "file://" + path]
                self.assertEqual(others, [], "the report fetched something")
                rows = self.visible_rows()
                self.assertEqual(len(rows), len(findings))
                self.assertEqual(sorted(rows), sorted(f["severity"] for f in findings))
                self.assertTrue(self.browser.execute_script(
                    "return document.querySelector('#graph svg') !== null"), "no graph")
                for severity in sorted({f["severity"] for f in findings}):
                    self.browser.execute_script(
                        "const s = document.getElementById('severity-filter');"
                        "s.value = arguments[0];"
                        "s.dispatchEvent(new Event('change'));", severity)
                    shown = self.visible_rows()
                    self.assertEqual(shown, [severity] * sum(
                        1 for f in findings if f["severity"] == severity))
                    hidden = self.browser.execute_script(
                        "return document.querySelectorAll('#findings-table tbody tr[hidden]')"
                        ".length;")
                    self.assertEqual(hidden, len(findings) - len(shown))
                self.browser.execute_script(
                    "const s = document.getElementById('severity-filter');"
                    "s.value = ''; s.dispatchEvent(new Event('change'));")
                self.assertEqual(len(self.visible_rows()), len(findings))
                shot = os.path.join(os.path.abspath(BUILD_DIR),
                                    f"report-{os.path.basename(example)}.png")
                self.assertTrue(self.browser.save_screenshot(shot))
                self.assertGreater(os.path.getsize(shot), 10000)
                errors = [e for e in self.browser.get_log("browser") if e["level"] == "SEVERE"]
                self.assertEqual(errors, [], "console errors while filtering")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
