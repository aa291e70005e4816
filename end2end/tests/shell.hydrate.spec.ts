import { expect, test } from "@playwright/test";

test("the hydrated home page switches language at once and remembers it", async ({ page, context }) => {
  await context.clearCookies();
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Como podemos ajudar?");

  // Act: switch to English with the keyboard.
  const toEnglish = page.getByRole("button", { name: "Mudar idioma para English" });
  await toEnglish.focus();
  await page.keyboard.press("Enter");

  // Assert: the whole UI, the document language and the data follow.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("How can we help?");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("navigation", { name: "Main navigation" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Categories" })).toBeVisible();
  await expect(page.getByText("Account and access")).toBeVisible();
  await expect(page).toHaveTitle("Help center · Chamado");

  // The choice survives a reload (cookie), rendered by the server in English.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("How can we help?");
  // The switch below is the hydrated one: wait for hydration, as at the start.
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");

  // And back to Portuguese.
  await page.getByRole("button", { name: "Mudar idioma para Português (Brasil)" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Como podemos ajudar?");
  await expect(page.locator("html")).toHaveAttribute("lang", "pt-BR");
});

test("the layout works on a phone-sized screen", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByRole("button", { name: "Mudar idioma para English" })).toBeVisible();
});
