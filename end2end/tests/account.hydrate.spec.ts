import { expect, test } from "@playwright/test";

import { signIn } from "./session";

test("a customer signs in, sees who they are, and signs out", async ({ page }) => {
  await signIn(page, "carla@acme.com.br");
  const account = page.getByTestId("account");
  await expect(account).toContainText("Carla Mendes");
  await expect(account).toContainText("Administrador da organização · Acme Ltda");
  await expect(page).toHaveURL(/\/$/);

  // Stays signed in across a reload.
  await page.reload();
  await expect(page.getByTestId("account")).toContainText("Carla Mendes");

  await page.getByRole("button", { name: "Sair" }).click();
  await expect(page.getByTestId("sign-in-link")).toBeVisible();
  await expect(page.getByTestId("account")).toHaveCount(0);
  const me = await page.request.get("/api/v1/me");
  expect(me.status()).toBe(401);
});

test("a wrong password is refused with a clear message", async ({ page }) => {
  await page.goto("/entrar");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("E-mail").fill("diego@acme.com.br");
  await page.getByLabel("Senha", { exact: true }).fill("not-the-password");
  await page.getByRole("button", { name: "Entrar" }).click();
  await expect(page.getByRole("alert")).toHaveText("E-mail ou senha incorretos.");
});

test("the signed-in language follows the account and a switch is remembered", async ({ page }) => {
  // Diego prefers English: signing in switches the whole UI.
  await signIn(page, "diego@acme.com.br");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("How can we help?");
  await expect(page.getByTestId("account")).toContainText("Customer · Acme Ltda");

  await page.getByRole("button", { name: "Mudar idioma para Português (Brasil)" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Como podemos ajudar?");
  await expect(page.getByTestId("account")).toContainText("Cliente · Acme Ltda");
  await expect.poll(async () => (await (await page.request.get("/api/v1/me")).json()).language).toBe("pt-BR");

  // The preference page changes it back, at once.
  await page.goto("/preferencias");
  await page.getByLabel("Idioma", { exact: true }).selectOption("en");
  await page.getByRole("button", { name: "Salvar" }).click();
  await expect(page.getByRole("heading", { name: "Preferences", level: 1 })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { name: "Preferences", level: 1 })).toBeVisible();
});

test("an organization admin grants a member the right to open tickets", async ({ page, browser }) => {
  await signIn(page, "carla@acme.com.br");
  await page.getByRole("link", { name: "Organização", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Membros da organização" })).toBeVisible();
  const elisa = page.locator('tr[data-member="elisa@acme.com.br"]');
  await expect(elisa).toContainText("Não");

  await elisa.getByRole("button", { name: "Permitir abrir chamados: Elisa Rocha" }).click();
  await expect(elisa).toContainText("Sim");
  await expect(elisa.getByRole("button", { name: "Retirar permissão: Elisa Rocha" })).toBeVisible();

  // Elisa, in her own browser, now may open tickets.
  const context = await browser.newContext({ locale: "pt-BR" });
  const other = await context.newPage();
  await signIn(other, "elisa@acme.com.br");
  await other.goto("/preferencias");
  await expect(other.getByTestId("can-open-tickets")).toHaveText("Sim");
  await context.close();

  // Withdraw again so the demo data stays as documented.
  await elisa.getByRole("button", { name: "Retirar permissão: Elisa Rocha" }).click();
  await expect(elisa).toContainText("Não");
});

test("personal API tokens are shown once and work as Bearer", async ({ page, request }) => {
  await signIn(page, "fabio@paoquente.com.br");
  await page.goto("/preferencias");
  // The token is shown by the hydrated page (a click before hydration posts the plain form).
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Nome do token").fill("Planilha");
  await page.getByLabel(/Sua senha/).fill("chamado-demo");
  await page.getByRole("button", { name: "Criar token" }).click();
  const token = (await page.getByTestId("new-token").textContent())?.trim() ?? "";
  expect(token).toMatch(/^chm_/);
  const me = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).email).toBe("fabio@paoquente.com.br");

  await page.getByRole("button", { name: "Revogar Planilha" }).click();
  await expect(page.getByText("Nenhum token ativo.")).toBeVisible();
  const after = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
});
