import { expect, Page, test } from "@playwright/test";

import { signIn } from "./session";

// A 1×1 PNG and a small log: what customers attach most.
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f80f00000101000518d84e0000000049454e44ae426082",
  "hex",
);
const LOG = Buffer.from("2026-11-21 14:03:07 ERRO exportação: timeout após 30 s\n".repeat(40));

/** Drops a file on the attachments zone, the way a desktop drag does. */
async function dropFile(page: Page, name: string, mimeType: string, text: string) {
  const transfer = await page.evaluateHandle(
    ([name, mimeType, text]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: mimeType }));
      return dt;
    },
    [name, mimeType, text],
  );
  await page.locator(".dropzone").dispatchEvent("drop", { dataTransfer: transfer });
}

test("a customer opens a Bug ticket, finds it, gets an answer, replies, closes, reopens and escalates", async ({ page, playwright, baseURL }) => {
  await signIn(page, "carla@acme.com.br");
  await page.getByRole("link", { name: "Criar chamado", exact: true }).first().click();
  await expect(page.getByRole("heading", { name: "Criar chamado", level: 1 })).toBeVisible();

  await page.getByLabel("Tipo").selectOption({ label: "Bug" });
  await page.getByLabel("Departamento").selectOption({ label: "Técnico" });
  await page.getByLabel(/Alta/).check();
  const subject = `Exportação CSV falha ${Date.now()}`;
  await page.getByLabel("Assunto").fill(subject);
  const message = page.getByLabel("Mensagem");
  await message.fill("Ao exportar o relatório, aparece erro 500. 😀");
  await expect(page.getByTestId("message-count")).toHaveText("44 / 1000 caracteres");
  await page.getByLabel("Produto *").fill("Relatórios");
  await page.getByLabel("Impacto *").selectOption("Alto");
  await page.getByLabel("Comportamento esperado *").fill("Baixar o CSV");
  await page.getByLabel("Passos para reproduzir *").fill("1. Abrir relatórios 2. Exportar");

  // Two files by the picker, one dropped, one refused by type, one removed again.
  await page.getByLabel("Anexos").setInputFiles([
    { name: "tela.png", mimeType: "image/png", buffer: PNG },
    { name: "erro.log", mimeType: "text/plain", buffer: LOG },
  ]);
  await dropFile(page, "extra.txt", "text/plain", "arrastado");
  await dropFile(page, "logo.svg", "image/svg+xml", "<svg/>");
  await expect(page.getByText("logo.svg: tipo de arquivo não permitido.")).toBeVisible();
  await expect(page.getByTestId("picked-file")).toHaveCount(3);
  await expect(page.getByRole("progressbar", { name: "Envio de tela.png" })).toBeVisible();
  await page.getByRole("button", { name: "Remover extra.txt" }).click();
  await expect(page.getByTestId("picked-file")).toHaveCount(2);
  await page.getByRole("button", { name: "Criar chamado" }).click();

  await expect(page).toHaveURL(/\/chamados\/TKT-\d{6}$/);
  const id = page.url().split("/").pop()!;
  await expect(page.getByRole("heading", { level: 1 })).toContainText(subject);
  await expect(page.getByTestId("ticket-status")).toHaveText("Aberto");
  const links = page.getByTestId("attachment-link");
  await expect(links).toHaveText(["tela.png", "erro.log"]);
  const download = await page.request.get((await links.first().getAttribute("href"))!);
  expect(download.status()).toBe(200);
  expect(download.headers()["content-disposition"]).toMatch(/^attachment;/);
  expect(download.headers()["x-content-type-options"]).toBe("nosniff");
  expect(Buffer.compare(await download.body(), PNG)).toBe(0);

  // Listed, and found by search and by filter (filters live in the URL).
  await page.goto(`/chamados?q=${encodeURIComponent("Exportação CSV")}`);
  await expect(page.locator(`tr[data-ticket="${id}"]`)).toBeVisible();
  await page.goto("/chamados?status=closed");
  await expect(page.locator(`tr[data-ticket="${id}"]`)).toHaveCount(0);
  await page.goto("/chamados?status=open&priority=high");
  await expect(page.locator(`tr[data-ticket="${id}"]`)).toBeVisible();

  // Support answers through the REST API while the customer looks at the ticket: the page
  // updates by itself (server-sent events), without a reload.
  await page.goto(`/chamados/${id}`);
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("ticket-status")).toHaveText("Aberto");
  const agent = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL! } });
  expect((await agent.post("/api/v1/session", { data: { email: "ana@chamado.local", password: "chamado-demo" } })).status()).toBe(200);
  expect((await agent.post(`/api/v1/tickets/${id}/messages`, { data: { body: "nota só para a equipe", internal: true } })).status()).toBe(201);
  expect((await agent.post(`/api/v1/tickets/${id}/messages`, { data: { body: "Corrigimos; pode testar?" } })).status()).toBe(201);
  await expect(page.getByText("Corrigimos; pode testar?")).toBeVisible({ timeout: 3_000 });
  await expect(page.getByTestId("ticket-status")).toHaveText("Respondido");
  await expect(page.getByText("Corrigimos; pode testar?")).toBeVisible();
  await expect(page.getByText("nota só para a equipe")).toHaveCount(0);
  await expect(page.getByTestId("read-receipt")).toContainText("O suporte leu sua última mensagem em");

  await page.getByLabel("Mensagem").fill("Ainda falha com arquivos grandes.");
  await page.getByLabel("Anexos").setInputFiles([{ name: "novo-erro.log", mimeType: "text/plain", buffer: LOG }]);
  await page.getByRole("button", { name: "Enviar resposta" }).click();
  await expect(page.getByText("Ainda falha com arquivos grandes.")).toBeVisible();
  await expect(page.getByTestId("attachment-link")).toHaveText(["tela.png", "erro.log", "novo-erro.log"]);
  await expect(page.getByTestId("picked-file")).toHaveCount(0);
  await expect(page.getByTestId("ticket-status")).toHaveText("Aberto");

  await page.getByRole("button", { name: "Fechar chamado" }).click();
  await expect(page.getByTestId("ticket-status")).toHaveText("Fechado");
  await page.getByLabel("Motivo da reabertura").fill("Voltou a acontecer hoje.");
  await page.getByRole("button", { name: "Reabrir" }).click();
  await expect(page.getByTestId("ticket-status")).toHaveText("Aberto");

  await page.getByLabel("Justificativa").fill("Parado há dois dias, afeta o fechamento do mês.");
  await page.getByRole("button", { name: "Escalar" }).click();
  await expect(page.getByText("Escalado")).toBeVisible();
  await agent.dispose();
});

test("a customer without the right to open tickets is told so", async ({ page }) => {
  await signIn(page, "elisa@acme.com.br");
  await expect(page.getByRole("link", { name: "Criar chamado" })).toHaveCount(0);
  await page.goto("/chamados/novo");
  await expect(page.getByText("Sua conta não pode abrir chamados.")).toBeVisible();
});

test("the same journey in English", async ({ page, playwright, baseURL }) => {
  // Diego's account language is English: the whole portal follows it after sign-in.
  await signIn(page, "diego@acme.com.br");
  await page.getByRole("link", { name: "New ticket", exact: true }).click();
  await expect(page.getByRole("heading", { name: "New ticket", level: 1 })).toBeVisible();
  await page.getByLabel("Type").selectOption({ label: "Dúvida" });
  await page.getByLabel("Department").selectOption({ label: "Geral" });
  await page.getByLabel(/Medium/).check();
  const subject = `Question about limits ${Date.now()}`;
  await page.getByLabel("Subject").fill(subject);
  await page.getByLabel("Message").fill("How many messages per day may we send?");
  await expect(page.getByTestId("message-count")).toHaveText("38 / 1000 characters");
  await page.getByLabel("Attachments").setInputFiles([
    { name: "screen.png", mimeType: "image/png", buffer: PNG },
    { name: "limits.csv", mimeType: "text/csv", buffer: Buffer.from("day,messages\nmon,900\n") },
  ]);
  await expect(page.getByRole("progressbar", { name: "Upload of screen.png" })).toBeVisible();
  await page.getByRole("button", { name: "Create ticket" }).click();
  await expect(page).toHaveURL(/\/chamados\/TKT-\d{6}$/);
  const id = page.url().split("/").pop()!;
  await expect(page.getByTestId("ticket-status")).toHaveText("Open");
  await expect(page.getByTestId("attachment-link")).toHaveText(["screen.png", "limits.csv"]);

  await page.goto(`/chamados?q=${encodeURIComponent("Question about limits")}`);
  await expect(page.getByRole("heading", { name: "All tickets", level: 1 })).toBeVisible();
  await expect(page.locator(`tr[data-ticket="${id}"]`)).toBeVisible();

  await page.goto(`/chamados/${id}`);
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  const agent = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL! } });
  expect((await agent.post("/api/v1/session", { data: { email: "bruno@chamado.local", password: "chamado-demo" } })).status()).toBe(200);
  expect((await agent.post(`/api/v1/tickets/${id}/messages`, { data: { body: "Up to 1,000 a day on your tier." } })).status()).toBe(201);
  await expect(page.getByText("Up to 1,000 a day on your tier.")).toBeVisible({ timeout: 3_000 });
  await expect(page.getByTestId("ticket-status")).toHaveText("Answered");
  await expect(page.getByTestId("read-receipt")).toContainText("Support read your last message at");
  await page.getByLabel("Message").fill("Thanks, and on the next tier?");
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(page.getByText("Thanks, and on the next tier?")).toBeVisible();
  await expect(page.getByTestId("ticket-status")).toHaveText("Open");
  await page.getByRole("button", { name: "Close ticket" }).click();
  await expect(page.getByTestId("ticket-status")).toHaveText("Closed");
  await page.getByLabel("Why reopen it?").fill("One more question.");
  await page.getByRole("button", { name: "Reopen" }).click();
  await expect(page.getByTestId("ticket-status")).toHaveText("Open");
  await page.getByLabel("Justification").fill("We need this before Monday's launch.");
  await page.getByRole("button", { name: "Escalate" }).click();
  await expect(page.getByText("Escalated")).toBeVisible();
  await agent.dispose();
});
