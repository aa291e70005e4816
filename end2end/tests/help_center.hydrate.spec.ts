import { expect, test } from "@playwright/test";

import { signIn } from "./session";

test("a visitor searches with a typo and without accents and finds the article", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  const box = page.getByRole("searchbox", { name: "Buscar artigos" });
  // As you type: results under the box, matched words highlighted.
  await box.pressSequentially("webook nao recebe");
  const live = page.locator("#help-search-live");
  const article = live.getByRole("link", { name: "Meu webhook não está recebendo eventos" });
  await expect(article).toBeVisible();
  await expect(live.locator("mark").first()).toBeVisible();
  // Enter goes to the search page, which keeps following the box.
  // Enter submits the form (a page load, as without JavaScript).
  await box.press("Enter");
  await expect(page).toHaveURL(/\/ajuda\/busca\?q=webook/);
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await expect(page.locator(".search-results__title").first()).toHaveText("Meu webhook não está recebendo eventos");
  const onPage = page.getByRole("searchbox", { name: "Buscar artigos" });
  await onPage.fill("");
  await onPage.pressSequentially("cancelamento da assinatura");
  await expect(page).toHaveURL(/q=cancelamento\+da\+assinatura/);
  await expect(page.locator(".search-results__title").first()).toHaveText("Cancelar a assinatura");
  await page.locator(".search-results__title").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Cancelar a assinatura");
  // Was it helpful? One vote, then thanks.
  await page.getByRole("button", { name: "Sim" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Obrigado pelo retorno!" })).toBeVisible();
  // Nothing answers: said plainly, with the way to a ticket.
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("searchbox", { name: "Buscar artigos" }).pressSequentially("vagas de emprego");
  await expect(page.locator("#help-search-live")).toContainText("Nenhum artigo responde a “vagas de emprego”.");
});

test("a customer sees suggestions while typing, opens one, leaves, and the report counts a deflection", async ({ page, browser }) => {
  const adminContext = await browser.newContext({ locale: "pt-BR" });
  const admin = await adminContext.newPage();
  await signIn(admin, "admin@chamado.local");
  await admin.goto("/admin/relatorios/deflexao");
  const total = admin.getByTestId("total-deflected");
  const before = Number(await total.textContent());

  await signIn(page, "carla@acme.com.br");
  await page.getByRole("link", { name: "Criar chamado", exact: true }).first().click();
  await expect(page.getByRole("heading", { name: "Criar chamado", level: 1 })).toBeVisible();
  await page.getByLabel("Assunto").pressSequentially("webhook não recebe eventos");
  const suggestions = page.getByTestId("suggestions");
  await expect(suggestions.getByRole("heading", { name: "Estes artigos podem resolver a sua dúvida" })).toBeVisible();
  const link = suggestions.getByRole("link", { name: /Meu webhook não está recebendo eventos/ });
  await expect(link).toBeVisible();
  expect(await suggestions.locator("a[target=_blank]").count()).toBeLessThanOrEqual(3);
  // The article opens in another tab; the form keeps what was typed.
  const [tab] = await Promise.all([page.context().waitForEvent("page"), link.click()]);
  await expect(tab.getByRole("heading", { level: 1 })).toHaveText("Meu webhook não está recebendo eventos");
  await tab.close();
  await expect(page.getByLabel("Assunto")).toHaveValue("webhook não recebe eventos");
  // The customer leaves without opening the ticket.
  await page.getByRole("link", { name: "Central de ajuda" }).first().click();
  await expect(page.getByRole("heading", { name: "Como podemos ajudar?" })).toBeVisible();

  await expect(async () => {
    await admin.reload();
    expect(Number(await admin.getByTestId("total-deflected").textContent())).toBe(before + 1);
  }).toPass({ timeout: 5_000 });
  await adminContext.close();
});

test("an author writes with a live preview, publishes, and the article is searchable within a second", async ({ page, playwright, baseURL }) => {
  await signIn(page, "ana@chamado.local");
  await page.getByRole("link", { name: "Artigos" }).first().click();
  await expect(page.getByRole("heading", { name: "Central de ajuda — administração" })).toBeVisible();
  await page.getByRole("link", { name: "Novo artigo" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Título").fill("Pagar a fatura com Pix Automático");
  await page.getByLabel("Categoria").fill("faturamento");
  await page.getByLabel("Etiquetas").fill("pix, fatura");
  await page.getByLabel("Texto (Markdown)").fill("Autorize o **Pix Automático** no app do seu banco.\n\n<script>alert(1)</script>");
  const preview = page.getByTestId("preview");
  await expect(preview.locator("strong")).toHaveText("Pix Automático");
  await expect(preview.locator("script")).toHaveCount(0);
  await page.getByLabel("Publicado (visível na central de ajuda)").check();
  await page.getByRole("button", { name: "Salvar" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Salvo." })).toBeVisible();
  const published = Date.now();

  const visitor = await playwright.request.newContext({ baseURL });
  let found = false;
  while (!found && Date.now() - published < 1_000) {
    const r = await visitor.get("/api/v1/articles/search?lang=pt-BR&q=pix+automatico");
    const body = await r.json();
    found = body.items.length > 0 && body.items[0].slug === "pagar-a-fatura-com-pix-automatico";
    if (!found) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(found, "searchable within a second of publishing").toBe(true);
  await page.getByRole("link", { name: "Ver na central de ajuda" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Pagar a fatura com Pix Automático");
});
