import { chromium } from "@playwright/test";
const base = "http://127.0.0.1:3300";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
async function session(email) {
  const ctx = await browser.newContext({ locale: "pt-BR", viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(base + "/entrar");
  await page.waitForSelector('html[data-hydrated="true"]');
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Senha", { exact: true }).fill("chamado-demo");
  await page.getByRole("button", { name: "Entrar" }).click();
  await page.getByTestId("account").waitFor();
  return page;
}
const admin = await session("admin@chamado.local");
for (const [path, name] of [["/admin/pessoas", "people"], ["/admin/organizacoes", "orgs"], ["/admin/configuracoes", "settings"], ["/admin/auditoria", "audit"]]) {
  await admin.goto(base + path);
  await admin.waitForSelector('html[data-hydrated="true"]');
  await admin.waitForTimeout(500);
  await admin.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true });
}
const ana = await session("ana@chamado.local");
await ana.goto(base + "/chamados");
await ana.waitForSelector('html[data-hydrated="true"]');
await ana.waitForTimeout(800);
await ana.screenshot({ path: `/tmp/shots/dashboard.png` });
const first = await ana.locator("tr[data-ticket]").first().getAttribute("data-ticket");
await ana.goto(base + "/chamados/" + first);
await ana.waitForSelector('html[data-hydrated="true"]');
await ana.waitForTimeout(800);
await ana.screenshot({ path: `/tmp/shots/ticket-agent.png`, fullPage: true });
const carla = await session("carla@acme.com.br");
await carla.goto(base + "/chamados?status=closed");
await carla.waitForSelector('html[data-hydrated="true"]');
await carla.waitForTimeout(500);
const closed = await carla.locator("[data-ticket]").first().getAttribute("data-ticket");
console.log("closed", closed);
if (closed) {
  await carla.goto(base + "/chamados/" + closed);
  await carla.waitForSelector('html[data-hydrated="true"]');
  await carla.waitForTimeout(500);
  await carla.screenshot({ path: `/tmp/shots/ticket-rating.png`, fullPage: true });
}
await browser.close();
