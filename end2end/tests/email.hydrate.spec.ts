import * as fs from "fs";
import * as net from "net";
import * as path from "path";

import { APIRequestContext, expect, test } from "@playwright/test";

import { PASSWORD, signIn } from "./session";

/** The mail servers scripts/test starts (scripts/mail_servers.py): Dovecot and an SMTP server
 * delivering into it, whose SMTP server is also Chamado's relay. */
const servers = process.env.CHAMADO_E2E_MAIL
  ? (JSON.parse(fs.readFileSync(process.env.CHAMADO_E2E_MAIL, "utf8")) as {
      imap_port: number;
      smtp_port: number;
      homes: string;
      password: string;
    })
  : null;

/** Hands a raw mail to the SMTP server, as a mail client does. */
async function smtpSend(port: number, from: string, to: string, raw: string) {
  const socket = net.connect(port, "127.0.0.1");
  socket.setEncoding("utf8");
  let buffer = "";
  const reply = (code: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        const lines = buffer.split("\r\n");
        const done = lines.findIndex((l) => /^\d{3} /.test(l));
        if (done === -1) return;
        const line = lines[done];
        buffer = lines.slice(done + 1).join("\r\n");
        socket.off("data", onData);
        line.startsWith(code) ? resolve() : reject(new Error(`expected ${code}, got ${line}`));
      };
      const onData = (chunk: string) => {
        buffer += chunk;
        check();
      };
      socket.on("data", onData);
      check();
    });
  await reply("220");
  for (const [command, code] of [
    ["EHLO cliente.example", "250"],
    [`MAIL FROM:<${from}>`, "250"],
    [`RCPT TO:<${to}>`, "250"],
    ["DATA", "354"],
  ]) {
    socket.write(`${command}\r\n`);
    await reply(code);
  }
  socket.write(raw.replace(/\r?\n/g, "\r\n").replace(/^\./gm, "..") + "\r\n.\r\n");
  await reply("250");
  socket.end("QUIT\r\n");
}

/** The mails in a user's mailbox whose subject contains `subject`, oldest first. */
function mailsAbout(user: string, subject: string): string[] {
  const box = path.join(servers!.homes, user, "Maildir");
  return ["cur", "new"]
    .flatMap((dir) => fs.readdirSync(path.join(box, dir)).map((f) => path.join(box, dir, f)))
    .map((file) => ({ file, at: fs.statSync(file).mtimeMs }))
    .sort((a, b) => a.at - b.at)
    .map(({ file }) => fs.readFileSync(file, "utf8"))
    .filter((raw) => header(raw, "Subject").includes(subject));
}

/** A header of a raw mail, unfolded. */
function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, " ");
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(name.toLowerCase() + ":"));
  return line ? line.slice(name.length + 1).trim() : "";
}

async function asUser(
  playwright: { request: { newContext: (o: object) => Promise<APIRequestContext> } },
  baseURL: string,
  email: string,
) {
  const client = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
  expect((await client.post("/api/v1/session", { data: { email, password: PASSWORD } })).status()).toBe(200);
  return client;
}

test("a customer e-mails a question, gets the receipt, and the reply to support's answer appears live on the agent's page", async ({
  page,
  playwright,
  baseURL,
}) => {
  // Never skipped: without the mail servers the journey cannot be checked, and that is a failure.
  expect(servers, "CHAMADO_E2E_MAIL must name the mail servers scripts/test starts (scripts/mail_servers.py)").not.toBeNull();
  test.setTimeout(90_000);
  const mail = servers!;

  // The demo's support address is read over IMAP from the local Dovecot.
  const admin = await asUser(playwright, baseURL!, "admin@chamado.local");
  const boxes = await (await admin.get("/api/v1/admin/mailboxes")).json();
  const demo = boxes.find((b: { address: string }) => b.address === "suporte@chamado.local");
  const saved = await admin.put(`/api/v1/admin/mailboxes/${demo.id}`, {
    data: {
      name: demo.name,
      address: demo.address,
      department_id: demo.department.id,
      imap_host: "127.0.0.1",
      imap_port: mail.imap_port,
      imap_security: "none",
      imap_user: "suporte",
      imap_password: mail.password,
    },
  });
  expect(saved.status()).toBe(200);
  await admin.dispose();

  // Bruno works Geral, the mailbox's department: his dashboard is open.
  await signIn(page, "bruno@chamado.local");
  await page.goto("/chamados");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");

  // Diego writes from his mail client.
  const subject = `Pergunta por e-mail ${Date.now()}`;
  const first = `<${Date.now()}.pergunta@cliente.example>`;
  await smtpSend(
    mail.smtp_port,
    "diego@acme.com.br",
    "suporte@chamado.local",
    `From: Diego Souza <diego@acme.com.br>\nTo: suporte@chamado.local\nSubject: ${subject}\nMessage-ID: ${first}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nHow do I export the monthly report?\n`,
  );

  // The ticket appears on the dashboard without a reload.
  const row = page.getByRole("link", { name: subject });
  await expect(row).toBeVisible({ timeout: 20_000 });

  // Diego's receipt arrives in his mailbox, in his own thread, with a reply address.
  await expect.poll(() => mailsAbout("diego", subject).length, { timeout: 20_000 }).toBe(1);
  const receipt = mailsAbout("diego", subject)[0];
  expect(header(receipt, "In-Reply-To")).toBe(first);
  expect(header(receipt, "Reply-To")).toContain("suporte+t");

  // Bruno answers in the dashboard.
  await row.click();
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("via-email")).toBeVisible();
  await page.getByLabel("Mensagem", { exact: true }).fill("Menu Relatórios, botão Exportar.");
  await page.getByRole("button", { name: "Enviar" }).click();
  await expect(page.locator(".message").last()).toContainText("Menu Relatórios, botão Exportar.");

  // Diego gets the answer by mail and replies to it from his client, quoting it.
  await expect.poll(() => mailsAbout("diego", subject).length, { timeout: 20_000 }).toBe(2);
  const answer = mailsAbout("diego", subject)[1];
  const replyTo = header(answer, "Reply-To").replace(/.*</, "").replace(/>.*/, "");
  await smtpSend(
    mail.smtp_port,
    "diego@acme.com.br",
    replyTo,
    `From: Diego Souza <diego@acme.com.br>\nTo: ${replyTo}\nSubject: Re: ${header(answer, "Subject")}\nMessage-ID: <${Date.now()}.resposta@cliente.example>\nIn-Reply-To: ${header(answer, "Message-ID")}\nReferences: ${header(answer, "Message-ID")}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nFound it, thank you!\n\nOn Mon, Dec 7, 2026 at 10:00 AM Suporte Chamado <suporte@chamado.local> wrote:\n> Menu Relatórios, botão Exportar.\n`,
  );

  // On Bruno's open page, live: the reply, without the quote.
  const last = page.locator(".message").last();
  await expect(last).toContainText("Found it, thank you!", { timeout: 20_000 });
  await expect(last.locator(".message__body")).not.toContainText("wrote:");
  // The whole mail stays readable.
  await last.getByText("Ver o e-mail original").click();
  await expect(last.getByTestId("original-text")).toContainText("Menu Relatórios, botão Exportar.");
});
