import { APIRequestContext, expect, test } from "@playwright/test";

import { PASSWORD, signIn } from "./session";

/** A signed-in API client of a demo account. */
async function asUser(playwright: { request: { newContext: (o: object) => Promise<APIRequestContext> } }, baseURL: string, email: string) {
  const client = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
  const response = await client.post("/api/v1/session", { data: { email, password: PASSWORD } });
  expect(response.status()).toBe(200);
  return client;
}

test("the bell rings live when support answers, says so in the reader's language, and clears on reading", async ({ page, playwright, baseURL }) => {
  // Carla reads Portuguese; her bell is empty of this ticket.
  await signIn(page, "carla@acme.com.br");
  await page.goto("/chamados");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  const bell = page.getByTestId("bell");
  await expect(bell).toHaveAttribute("data-loaded", "true");
  const count = bell.getByTestId("bell-count");
  const before = (await count.count()) === 0 ? 0 : Number(await count.textContent());

  const carla = await asUser(playwright, baseURL!, "carla@acme.com.br");
  const departments = await (await carla.get("/api/v1/departments")).json();
  const geral = departments.find((d: { name: string }) => d.name === "Geral").id;
  const subject = `Sino ao vivo ${Date.now()}`;
  const created = await carla.post("/api/v1/tickets", {
    data: { type: "duvida", department_id: geral, priority: "low", subject, message: "Como faço?", fields: {} },
  });
  expect(created.status()).toBe(201);
  const id = (await created.json()).id;
  const bruno = await asUser(playwright, baseURL!, "bruno@chamado.local");
  expect((await bruno.post(`/api/v1/tickets/${id}/messages`, { data: { body: "Assim: menu Ajustes." } })).status()).toBe(201);

  // Without a reload: the receipt and the answer.
  await expect(bell.getByTestId("bell-count")).toHaveText(String(before + 2), { timeout: 10_000 });
  const button = bell.getByRole("button", { name: /^Notificações, \d+ não lidas$/ });
  await expect(button).toHaveAttribute("aria-expanded", "false");
  await button.click();
  await expect(button).toHaveAttribute("aria-expanded", "true");
  const answer = bell.getByRole("link", { name: new RegExp(`Bruno Lima respondeu ao chamado ${id}`) });
  await expect(answer).toBeVisible();
  await expect(bell.getByRole("link", { name: new RegExp(`Recebemos o seu chamado ${id}`) })).toBeVisible();
  // Escape closes the panel and gives the focus back to the bell.
  await page.keyboard.press("Escape");
  await expect(button).toHaveAttribute("aria-expanded", "false");
  await expect(button).toBeFocused();
  await button.click();
  await answer.click();
  await expect(page).toHaveURL(new RegExp(`/chamados/${id}$`));
  await expect(bell.getByTestId("bell-count")).toHaveText(String(before + 1));
  await carla.dispose();
  await bruno.dispose();
});

test("a person turns one notification off by e-mail and it stays off", async ({ page }) => {
  await signIn(page, "elisa@acme.com.br");
  await page.goto("/preferencias");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  const byMail = page.getByLabel("Por e-mail: Resposta do suporte");
  await expect(byMail).toBeChecked();
  await byMail.uncheck();
  await expect(page.getByText("Preferência salva.")).toBeVisible();
  await page.reload();
  // A switch flipped before hydration would change the page, not the preference.
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByLabel("Por e-mail: Resposta do suporte")).not.toBeChecked();
  await expect(page.getByLabel("No sino: Resposta do suporte")).toBeChecked();
  // Staff kinds are not a customer's to choose.
  await expect(page.getByLabel("Por e-mail: Novo chamado no meu departamento")).toHaveCount(0);
  await page.getByLabel("Por e-mail: Resposta do suporte").check();
  await expect(page.getByText("Preferência salva.")).toBeVisible();
});

test("an admin reads the mail Chamado sent through the relay, single-use links hidden", async ({ page }) => {
  await signIn(page, "admin@chamado.local");
  await page.goto("/admin/emails");
  // scripts/test gives the browser suite's server an SMTP relay (the e-mail journey's).
  await expect(page.getByTestId("relay")).toContainText("Os e-mails saem pelo servidor SMTP configurado");
  const rows = page.getByTestId("emails").locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  await rows.first().getByRole("link").click();
  await expect(page.getByTestId("email")).toBeVisible();
  await expect(page.getByTestId("email-text")).toContainText("http");
  await expect(page.getByTestId("email-text")).not.toContainText("/convite/");
});
