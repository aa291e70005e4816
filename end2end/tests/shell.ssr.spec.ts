import { expect, test } from "@playwright/test";

test("home page renders in pt-BR without JavaScript", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.locator("html")).toHaveAttribute("lang", "pt-BR");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Como podemos ajudar?");
  await expect(page.getByRole("navigation", { name: "Navegação principal" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Categorias" })).toBeVisible();
  await expect(page).toHaveTitle("Central de ajuda · Chamado");
});

test("unknown paths answer 404 with a page in the user's language", async ({ page }) => {
  const response = await page.goto("/nao-existe");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Página não encontrada");
  await page.getByRole("link", { name: "Voltar ao início" }).click();
  await expect(page).toHaveURL(/\/$/);
});

test("the first Tab reaches the skip link, which moves focus to the content", async ({ page }) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Pular para o conteúdo" });
  await expect(skip).toBeFocused();
});

test.describe("with an English browser", () => {
  test.use({ locale: "en-US" });

  test("the server answers in English before sign-in", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("How can we help?");
  });
});

test("static assets have hashed names, a year of caching and compression", async ({ page, request }) => {
  await page.goto("/");
  const script = await page.locator('link[rel="modulepreload"]').getAttribute("href");
  expect(script).toMatch(/^\/pkg\/chamado\.[A-Za-z0-9_-]+\.js$/);
  const response = await request.get(script!, { headers: { "Accept-Encoding": "br, gzip" } });
  expect(response.status()).toBe(200);
  expect(response.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  expect(["br", "gzip"]).toContain(response.headers()["content-encoding"]);
  const css = await page.locator('link[rel="stylesheet"]').getAttribute("href");
  expect(css).toMatch(/^\/pkg\/chamado\.[A-Za-z0-9_-]+\.css$/);
});
