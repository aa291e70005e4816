import { expect, Page } from "@playwright/test";

/** The demo accounts' password (README "Demo sign-ins"). */
export const PASSWORD = "chamado-demo";

/** Signs a demo account in through the sign-in page (in Portuguese, hydrated). */
export async function signIn(page: Page, email: string) {
  await page.goto("/entrar");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Senha", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Entrar" }).click();
  await expect(page.getByTestId("account")).toBeVisible();
}
