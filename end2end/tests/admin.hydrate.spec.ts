import { expect, Page, test } from "@playwright/test";

import { signIn } from "./session";

// Issue 7's journey: an admin shapes a department, a ticket type and a service level without
// code; an Enterprise customer uses them; the agent sees the clock; the report and the audit
// log show it all.
test("an admin sets up a department, an Enterprise ticket type and an SLA; the ticket follows them", async ({ browser }) => {
  const run = Date.now().toString().slice(-6);
  const department = `Plantão PROD ${run}`;
  const typeName = `Incidente PROD ${run}`;
  const typeKey = `incidente_prod_${run}`;

  const admin = await browser.newPage();
  await signIn(admin, "admin@chamado.local");
  await admin.getByRole("link", { name: "Administração" }).click();
  await expect(admin.getByRole("heading", { name: "Departamentos", level: 1 })).toBeVisible();
  await expect(admin.locator("html")).toHaveAttribute("data-hydrated", "true");

  // A department with an agent; a wrong name first shows its error beside the field.
  await admin.getByLabel("Nome").fill("técnico");
  await admin.getByRole("button", { name: "Salvar" }).click();
  await expect(admin.locator("#department-name-msg")).toHaveText("Já está em uso.");
  await admin.getByLabel("Nome").fill(department);
  await admin.getByLabel("Caio Ramos").check();
  await admin.getByRole("button", { name: "Salvar" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Salvo." })).toBeVisible();
  await expect(admin.getByTestId("departments").getByRole("row", { name: new RegExp(department) })).toContainText("Caio Ramos");

  // A ticket type with a select field, for Enterprise only.
  await admin.getByRole("link", { name: "Tipos de chamado" }).click();
  await expect(admin.getByRole("heading", { name: "Tipos de chamado", level: 1 })).toBeVisible();
  await expect(admin.locator("html")).toHaveAttribute("data-hydrated", "true");
  await admin.locator("#type-name").fill(typeName);
  await admin.locator("#type-key").fill(typeKey);
  await admin.getByLabel("Departamento padrão").selectOption({ label: department });
  await admin.getByLabel("Prioridade padrão").selectOption({ label: "Crítica" });
  await admin.getByRole("group", { name: "Planos que podem abrir este tipo" }).getByLabel("Enterprise").check();
  await admin.getByRole("button", { name: "Adicionar campo" }).click();
  const field = admin.getByRole("group", { name: "Campo 1" });
  await field.getByLabel("Rótulo").fill("Ambiente");
  await field.getByLabel("Chave").fill("ambiente");
  await field.getByLabel("Tipo").selectOption({ label: "Lista de opções" });
  await field.getByLabel("Opções").fill("PROD, TEST");
  await field.getByLabel("Obrigatório").check();
  await admin.getByRole("button", { name: "Salvar" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Salvo." })).toBeVisible();
  const typeRow = admin.getByTestId("ticket-types").getByRole("row", { name: new RegExp(typeName) });
  await expect(typeRow).toContainText("Enterprise");
  await expect(typeRow).toContainText("Ambiente");

  // Enterprise, Crítica: 60 minutes to the first response, in business hours.
  await admin.getByRole("link", { name: "Níveis de serviço (SLA)" }).click();
  await expect(admin.locator("html")).toHaveAttribute("data-hydrated", "true");
  const policyForm = admin.getByRole("form", { name: "Definir meta" });
  await policyForm.getByLabel("Plano").selectOption({ label: "Enterprise" });
  await policyForm.getByLabel("Prioridade").selectOption({ label: "Crítica" });
  await policyForm.getByLabel("Primeira resposta (minutos úteis)").fill("60");
  await policyForm.getByLabel("Calendário").selectOption({ label: "Horário comercial (São Paulo)" });
  await policyForm.getByRole("button", { name: "Salvar" }).click();
  await expect(policyForm.getByRole("status")).toHaveText("Salvo.");
  const policyRow = admin.locator('[data-testid="sla-policies"] tr[data-plan="enterprise"][data-priority="critical"]');
  await expect(policyRow).toContainText("1 h úteis");
  await expect(policyRow).toContainText("Horário comercial (São Paulo)");

  // The report before the ticket.
  await admin.getByRole("link", { name: "Relatórios" }).click();
  await expect(admin.getByTestId("chart-daily")).toBeVisible();
  const openedBefore = Number(await admin.getByTestId("report-opened").textContent());

  // An Enterprise customer opens such a ticket and sees its field.
  const customer = await browser.newPage();
  await signIn(customer, "carla@acme.com.br");
  await customer.goto("/chamados/novo");
  await expect(customer.locator("html")).toHaveAttribute("data-hydrated", "true");
  await customer.getByLabel("Tipo").selectOption({ label: typeName });
  await customer.getByLabel("Departamento").selectOption({ label: department });
  await customer.getByLabel(/Crítica/).check();
  await customer.getByLabel("Assunto").fill(`Checkout fora do ar ${run}`);
  await customer.getByLabel("Mensagem").fill("Pagamentos falham com erro 503 desde 14h.");
  await customer.getByLabel("Ambiente *").selectOption("PROD");
  await customer.getByRole("button", { name: "Criar chamado" }).click();
  await expect(customer).toHaveURL(/\/chamados\/TKT-\d{6}$/);
  const id = customer.url().split("/").pop()!;
  await expect(customer.getByTestId("ticket-fields")).toContainText("Ambiente");
  await expect(customer.getByTestId("ticket-fields")).toContainText("PROD");
  await expect(customer.getByTestId("sla")).toHaveCount(0);

  // The agent of the new department sees the countdown, in the list and on the ticket.
  const agent = await browser.newPage();
  await signIn(agent, "caio@chamado.local");
  await agent.goto("/chamados");
  const row = agent.locator(`tr[data-ticket="${id}"]`);
  await expect(row.getByTestId("sla")).toBeVisible();
  await expect(row.getByTestId("sla")).toHaveAttribute("data-sla", /on_track|at_risk|breached/);
  await agent.goto(`/chamados/${id}`);
  await expect(agent.getByTestId("sla")).toHaveText(/restantes|atrasado/);
  await expect(agent.getByTestId("sla-due")).toContainText("Primeira resposta até");

  // The report counts it; the audit log shows each change.
  await admin.reload();
  await expect(admin.getByTestId("report-opened")).toHaveText(String(openedBefore + 1));
  await expect(admin.getByTestId("chart-daily").locator("svg")).toBeVisible();
  await admin.getByRole("link", { name: "Auditoria" }).click();
  const audit = admin.getByTestId("audit");
  await expect(audit.locator('tr[data-entity="department"]').filter({ hasText: department }).first()).toBeVisible();
  await expect(audit.locator('tr[data-entity="department"]').filter({ hasText: department }).filter({ hasText: "Agentes: — → Caio Ramos" })).toBeVisible();
  await expect(audit.locator('tr[data-entity="ticket_type"]').filter({ hasText: typeName }).filter({ hasText: "Campos: — → ambiente* (select: PROD/TEST)" })).toBeVisible();
  await expect(audit.locator('tr[data-entity="sla_policy"]').filter({ hasText: "Calendário: 24x7 → Horário comercial (São Paulo)" }).first()).toBeVisible();
  await expect(audit.locator('tr[data-entity="ticket"]').filter({ hasText: id }).first()).toBeVisible();
  const csv = await admin.request.get("/api/v1/admin/audit.csv?entity=sla_policy");
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toMatch(/;sla_policy;\d+;enterprise · critical;update;calendar;24x7;Horário comercial \(São Paulo\)/);
});

/** Drops a file of `bytes` bytes on the attachments zone, the way a desktop drag does. */
async function dropFile(page: Page, name: string, mimeType: string, bytes: number) {
  const transfer = await page.evaluateHandle(
    ([name, mimeType, bytes]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes as number)], name as string, { type: mimeType as string }));
      return dt;
    },
    [name, mimeType, bytes],
  );
  await page.locator(".dropzone").dispatchEvent("drop", { dataTransfer: transfer });
}

test("the attachment limits an admin sets are the ones the customer's form checks", async ({ browser, baseURL }) => {
  const admin = await browser.newPage();
  await signIn(admin, "admin@chamado.local");
  const defaults = await (await admin.request.get("/api/v1/admin/settings")).json();
  try {
    await admin.goto("/admin/configuracoes");
    await expect(admin.locator("html")).toHaveAttribute("data-hydrated", "true");
    const limits = admin.getByRole("form", { name: "Limites" });
    await limits.getByLabel("Anexos por mensagem (até 10)").fill("1");
    await limits.getByLabel("Tamanho máximo por anexo (MB)").fill("1");
    for (const ext of ["png", "jpg", "jpeg", "gif", "webp", "txt", "log", "csv", "json", "zip"]) {
      await limits.getByLabel(ext, { exact: true }).uncheck();
    }
    await limits.getByRole("button", { name: "Salvar" }).click();
    await expect(limits.getByRole("status")).toHaveText("Salvo.");

    const customer = await browser.newPage();
    await signIn(customer, "carla@acme.com.br");
    await customer.goto("/chamados/novo");
    await expect(customer.locator("html")).toHaveAttribute("data-hydrated", "true");
    const picker = customer.getByTestId("attachments");
    await expect(picker).toContainText("Até 1 por mensagem, de até 1.0 MB cada. Tipos aceitos: pdf.");
    await dropFile(customer, "tela.png", "image/png", 100);
    await expect(picker.getByRole("alert")).toHaveText("tela.png: tipo de arquivo não permitido.");
    await dropFile(customer, "grande.pdf", "application/pdf", 2 * 1024 * 1024);
    await expect(picker.getByRole("alert")).toHaveText("grande.pdf tem mais de 1.0 MB.");
    await dropFile(customer, "nota.pdf", "application/pdf", 1000);
    await expect(customer.getByTestId("picked-file")).toHaveText([/nota\.pdf/]);
    await dropFile(customer, "outra.pdf", "application/pdf", 1000);
    await expect(picker.getByRole("alert")).toHaveText("Limite de arquivos por mensagem: 1.");
    await expect(customer.getByTestId("picked-file")).toHaveCount(1);
  } finally {
    const restored = await admin.request.patch("/api/v1/admin/settings", {
      headers: { origin: baseURL! },
      data: defaults,
    });
    expect(restored.status()).toBe(200);
  }
});
