import { expect, test } from "@playwright/test";

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
  await expect(audit.locator('tr[data-entity="department"]').filter({ hasText: department }).filter({ hasText: "agents: — → Caio Ramos" })).toBeVisible();
  await expect(audit.locator('tr[data-entity="ticket_type"]').filter({ hasText: typeName }).filter({ hasText: "fields: — → ambiente* (select: PROD/TEST)" })).toBeVisible();
  await expect(audit.locator('tr[data-entity="sla_policy"]').filter({ hasText: "calendar: 24x7 → Horário comercial (São Paulo)" }).first()).toBeVisible();
  await expect(audit.locator('tr[data-entity="ticket"]').filter({ hasText: id }).first()).toBeVisible();
  const csv = await admin.request.get("/api/v1/admin/audit.csv?entity=sla_policy");
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toMatch(/,sla_policy,\d+,enterprise · critical,update,calendar,24x7,Horário comercial \(São Paulo\)/);
});
