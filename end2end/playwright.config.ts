import { defineConfig } from "@playwright/test";

// The server is started by scripts/test, which passes its address here.
const baseURL = process.env.CHAMADO_E2E_URL ?? "http://127.0.0.1:3000";

const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  // A Brazilian browser by default; tests that need another language say so.
  use: { baseURL, launchOptions: chromium, trace: "off", locale: "pt-BR" },
  projects: [
    // Server-rendered HTML with JavaScript off: what search engines and slow phones see first.
    { name: "ssr", testMatch: /.*\.ssr\.spec\.ts/, use: { javaScriptEnabled: false } },
    // The hydrated app.
    { name: "hydrate", testMatch: /.*\.hydrate\.spec\.ts/ },
  ],
});
