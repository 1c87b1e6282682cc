package dev.agentharness.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real browser: headless Chromium driven by chromedriver (Debian's {@code chromium}
 * and {@code chromium-driver}; {@code .ci/run} installs them), against the real launcher and daemon.
 * Without them the browser test is skipped with a notice; the token checks need no browser.
 */
class DashboardIT extends HarnessIT {
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("HARNESS_CHROMIUM", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("HARNESS_CHROMEDRIVER", "/usr/bin/chromedriver"));

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private String web(String... extra) {
        List<String> args = new ArrayList<>(List.of("web"));
        args.addAll(List.of(extra));
        String url = harness.run(args.toArray(String[]::new)).ok().out().strip();
        assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/\\?token=[0-9a-f]{64}"), url);
        return url;
    }

    @Test
    void withoutTheTokenRequestsAreRefused() throws Exception {
        String url = web();
        URI u = URI.create(url);
        String base = "http://127.0.0.1:" + u.getPort();
        String token = u.getQuery().substring("token=".length());
        Path tokenFile = harness.home.resolve("web.token");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
        assertEquals(token, Files.readString(tokenFile).strip());
        assertEquals(url, web(), "a second harness web answers the same address");

        for (String path : List.of("/", "/api/sessions", "/api/stats", "/app.js")) {
            assertEquals(401, get(base + path).statusCode(), path);
        }
        assertEquals(401, get(base + "/?token=" + "0".repeat(64)).statusCode());
        assertEquals(403, get(base + "/api/sessions", "Authorization", "Bearer " + token, "Origin", "http://evil.example").statusCode());
        assertEquals(200, get(base + "/api/sessions", "Authorization", "Bearer " + token).statusCode());
        HttpResponse<String> first = get(url);
        assertEquals(303, first.statusCode());
        assertTrue(first.headers().firstValue("Set-Cookie").orElseThrow().contains("HttpOnly"));
        first.headers().map().keySet().forEach(h -> assertFalse(h.startsWith("access-control"), h));

        ExecutionException foreign = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> http.newWebSocketBuilder().header("Origin", "http://evil.example").header("Authorization", "Bearer " + token)
                        .buildAsync(URI.create("ws://127.0.0.1:" + u.getPort() + "/ws"), new WebSocket.Listener() { })
                        .get(30, TimeUnit.SECONDS));
        assertEquals(403, ((WebSocketHandshakeException) foreign.getCause()).getResponse().statusCode());

        // --port moves the dashboard; the token stays.
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String moved = web("--port", Integer.toString(port));
        assertEquals("http://127.0.0.1:" + port + "/?token=" + token, moved);
        harness.run("web", "--port", "70000").expectOneLineError(2, "invalid port 70000");
    }

    private HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void threeLiveSlotsTypingAndACheckpointAnsweredFromThePage() throws Exception {
        boolean browser = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String notice = "DashboardIT: browser test skipped: " + CHROMIUM + " and " + CHROMEDRIVER
                + " are needed (Debian: apt-get install chromium chromium-driver; .ci/run installs them)";
        if (!browser) {
            // In the build's output too, not only in the report: a skipped browser test should be seen.
            System.err.println(notice);
        }
        Assumptions.assumeTrue(browser, notice);
        String url = web();
        ChromeDriver driver = browser();
        try {
            driver.get(url);
            JavascriptExecutor js = driver;
            HarnessProcesses.awaitTrue("the page to connect its WebSocket", FUNCTIONAL,
                    () -> Boolean.TRUE.equals(js.executeScript("return window.harness && window.harness.connected()")));
            assertFalse(driver.getCurrentUrl().contains("token="), "the token leaves the address bar");

            // Started after the page loaded: the slots fill from pushed changes, not from a reload.
            harness.run("start", "-t", "--size", "72x16", "--slot", "1", "--name", "typist", "--", "sh", "-c",
                    "echo 'type here:'; exec cat").ok();
            harness.run("start", "-t", "--size", "72x16", "--slot", "2", "--name", "deploy", "--", "sh", "-c",
                    "printf 'Deploy to production?\\n\\342\\235\\257 1. Yes\\n  2. No\\n'; read a; echo \"answer: $a\"; sleep 600")
                    .ok();
            harness.run("start", "--slot", "3", "--name", "ticker", "--", "sh", "-c",
                    "while :; do echo \"tick $(date +%s%3N)\"; sleep 0.2; done").ok();
            for (int n = 1; n <= 3; n++) {
                int slot = n;
                HarnessProcesses.awaitTrue("slot " + slot + " to show its session", FUNCTIONAL,
                        () -> js.executeScript("return window.harness.session(" + slot + ")") != null);
            }

            // Latency: each chunk's commit time (its stored timestamp) and the time the agent stamped
            // into it, against the moment the page wrote it on the screen. Chunks from the page's
            // first catch-up are left out: they were committed before anyone watched.
            HarnessProcesses.awaitTrue("the ticker's output to show", FUNCTIONAL,
                    () -> text(js, 3).contains("tick "));
            long watchFrom = System.currentTimeMillis() + 500;
            HarnessProcesses.awaitTrue("20 live ticks", FUNCTIONAL, () -> liveArrivals(js, 3, watchFrom).size() >= 20);
            List<long[]> live = liveArrivals(js, 3, watchFrom);
            List<Long> fromCommit = new ArrayList<>();
            List<Long> fromStamp = new ArrayList<>();
            for (long[] a : live) {
                fromCommit.add(a[0]);
                if (a[1] >= 0) {
                    fromStamp.add(a[1]);
                }
            }
            String report = "dashboard latency over " + live.size() + " live chunks: commit -> screen p50 "
                    + percentile(fromCommit, 50) + " ms, p90 " + percentile(fromCommit, 90) + " ms, max "
                    + percentile(fromCommit, 100) + " ms; agent's printed stamp -> screen p50 " + percentile(fromStamp, 50)
                    + " ms, p90 " + percentile(fromStamp, 90) + " ms, max " + percentile(fromStamp, 100) + " ms (target 100 ms)";
            System.out.println(report);
            Files.writeString(Path.of(System.getProperty("harness.jar", "target/harness.jar")).resolveSibling("dashboard-latency.txt"),
                    report + "\n");

            // Typing in slot 1's terminal reaches cat: the terminal echoes it, and cat prints it again.
            WebElement input = driver.findElement(By.cssSelector("#slot-1 .xterm-helper-textarea"));
            driver.findElement(By.cssSelector("#slot-1 .xterm")).click();
            input.sendKeys("hello from the browser" + Keys.ENTER);
            HarnessProcesses.awaitTrue("cat to print the typed line back", FUNCTIONAL,
                    () -> count(harness.tailAll("typist"), "hello from the browser") >= 2);
            HarnessProcesses.awaitTrue("slot 1's terminal to show it", FUNCTIONAL,
                    () -> count(text(js, 1), "hello from the browser") >= 2);

            // The checkpoint: the question and a button per choice.
            HarnessProcesses.awaitTrue("slot 2 to show the question", FUNCTIONAL,
                    () -> driver.findElements(By.cssSelector("#slot-2 .checkpoint .choices button")).size() == 2
                            && driver.findElement(By.cssSelector("#slot-2 .checkpoint")).isDisplayed());
            assertEquals("Deploy to production?", driver.findElement(By.cssSelector("#slot-2 .question")).getText());
            HarnessProcesses.awaitTrue("slot 3 to show more ticks", FUNCTIONAL, () -> text(js, 3).split("\n").length > 25);
            screenshot(driver);

            WebElement no = driver.findElements(By.cssSelector("#slot-2 .checkpoint .choices button")).get(1);
            assertEquals("2. No", no.getText());
            no.click();
            HarnessProcesses.awaitTrue("the script to get the answer", FUNCTIONAL,
                    () -> harness.tailAll("deploy").contains("answer: 2"));
            HarnessProcesses.awaitTrue("the question to go away", FUNCTIONAL,
                    () -> !driver.findElement(By.cssSelector("#slot-2 .checkpoint")).isDisplayed());

            // A pipe session without -i takes no input: its slot offers none (the form once showed
            // anyway, its hidden attribute overridden by the stylesheet).
            assertFalse(driver.findElement(By.cssSelector("#slot-3 form.input")).isDisplayed());

            // Stop from the page: the slot says so, and the session is among the recent ones.
            driver.findElement(By.cssSelector("#slot-3 .stop")).click();
            HarnessProcesses.awaitTrue("the ticker to be stopped", FUNCTIONAL, () -> harness.status("ticker").equals("stopped"));
            HarnessProcesses.awaitTrue("slot 3 to say stopped", FUNCTIONAL,
                    () -> driver.findElement(By.cssSelector("#slot-3 .status")).getText().equals("stopped"));
            HarnessProcesses.awaitTrue("the recent list to show it", FUNCTIONAL,
                    () -> driver.findElement(By.cssSelector("#recent tbody")).getText().contains("ticker"));

            // Start from the page into the freed slot, with a JSON argv (an argument with a space
            // arrives whole), on pipes; restart it from its slot once it has ended.
            driver.findElement(By.id("start-command")).sendKeys("[\"sh\", \"-c\", \"echo started from the page: $0\", \"x y\"]");
            driver.findElement(By.id("start-name")).sendKeys("fromweb");
            new Select(driver.findElement(By.id("start-slot"))).selectByValue("3");
            WebElement tty = driver.findElement(By.id("start-tty"));
            if (tty.isSelected()) {
                tty.click();
            }
            driver.findElement(By.cssSelector("#start button[type=submit]")).click();
            HarnessProcesses.awaitTrue("the session started from the page to complete", FUNCTIONAL,
                    () -> harness.run("ps", "--all").out().contains("fromweb") && harness.status("fromweb").equals("completed"));
            assertEquals("started from the page: x y\n", harness.tailAll("fromweb"));
            HarnessProcesses.awaitTrue("slot 3 to show it", FUNCTIONAL,
                    () -> text(js, 3).contains("started from the page: x y")
                            && driver.findElement(By.cssSelector("#slot-3 .status")).getText().equals("completed"));
            driver.findElement(By.cssSelector("#slot-3 .restart")).click();
            HarnessProcesses.awaitTrue("the restart to run and show in slot 3", FUNCTIONAL,
                    () -> harness.run("ps", "--all").out().contains("fromweb-r1") && harness.status("fromweb-r1").equals("completed")
                            && "fromweb-r1".equals(js.executeScript("return window.harness.session(3).name"))
                            && text(js, 3).contains("started from the page: x y"));
        } finally {
            driver.quit();
        }
    }

    private ChromeDriver browser() throws Exception {
        Path profile = Files.createDirectories(tmp.resolve("chromium-profile"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1680,1000", "--user-data-dir=" + profile);
        // The driver is named outright, so that Selenium Manager never looks for (or downloads) one.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().withLogFile(tmp.resolve("chromedriver.log").toFile()).build();
        return new ChromeDriver(service, options);
    }

    private static String text(JavascriptExecutor js, int slot) {
        Object t = js.executeScript("return window.harness.text(" + slot + ")");
        return t == null ? "" : t.toString();
    }

    /** Each live arrival on a slot: {commit -> screen ms, stamp -> screen ms or -1}. */
    @SuppressWarnings("unchecked")
    private static List<long[]> liveArrivals(JavascriptExecutor js, int slot, long from) {
        List<Object> all = (List<Object>) js.executeScript(
                "return window.harness.arrivals.filter(a => a.slot === " + slot + ").map(a => [a.ts, a.shownAt, a.head])");
        List<long[]> out = new ArrayList<>();
        for (Object o : all) {
            List<Object> a = (List<Object>) o;
            long shown = ((Number) a.get(1)).longValue();
            if (shown < from) {
                continue;
            }
            long commit = Instant.parse((String) a.get(0)).toEpochMilli();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("tick (\\d{13})").matcher((String) a.get(2));
            out.add(new long[]{shown - commit, m.find() ? shown - Long.parseLong(m.group(1)) : -1});
        }
        return out;
    }

    private static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** docs/dashboard.png, which the README shows. */
    private static void screenshot(ChromeDriver driver) throws Exception {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Path docs = HarnessProcesses.repoRoot().resolve("docs");
        if (Files.isDirectory(docs)) {
            Files.copy(shot.toPath(), docs.resolve("dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
