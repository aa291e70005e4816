import { expect, test } from "@playwright/test";

test("signing in works without JavaScript", async ({ page }) => {
  await page.goto("/entrar?next=/preferencias");
  await page.getByLabel("E-mail").fill("fabio@paoquente.com.br");
  await page.getByLabel("Senha", { exact: true }).fill("chamado-demo");
  await page.getByRole("button", { name: "Entrar" }).click();
  await expect(page).toHaveURL(/\/preferencias$/);
  await expect(page.getByRole("heading", { name: "Preferências", level: 1 })).toBeVisible();
  await expect(page.getByTestId("account")).toContainText("Fábio Nunes");
});

test("pages for signed-in people ask visitors to sign in first", async ({ page }) => {
  await page.goto("/preferencias");
  await expect(page.getByText("Entre para ver esta página.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Ir para o login" })).toHaveAttribute("href", "/entrar?next=/preferencias");
});
