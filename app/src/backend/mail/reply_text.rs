//! What a person wrote in a mail reply, without the quoted history and the signature that mail
//! clients add (Gmail, Outlook, Apple Mail, Thunderbird, in English and Portuguese). The whole
//! original is kept elsewhere; this is what the conversation shows.

/// The line Chamado puts above the quoted text of its own mails: replies are cut there first.
pub const REPLY_ABOVE: &str = "##- Responda acima desta linha / Reply above this line -##";

/// The reply part of a mail's text. Never empty when the text is not: a mail that is all quote
/// (or that starts with what looks like a quote header) is kept whole.
pub fn reply_part(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.lines().collect();
    let cut = (0..lines.len())
        .find(|&i| starts_history(&lines, i))
        .unwrap_or(lines.len());
    let mut kept: Vec<&str> = lines[..cut].to_vec();
    // A trailing block of `>` lines (a quote without a header).
    while kept
        .last()
        .is_some_and(|l| l.trim().is_empty() || l.trim_start().starts_with('>'))
    {
        kept.pop();
    }
    let reply = kept.join("\n").trim().to_owned();
    if reply.is_empty() {
        text.trim().to_owned()
    } else {
        reply
    }
}

fn starts_history(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    let lower = line.to_lowercase();
    // Our own marker, and the signature delimiter ("-- ", some clients drop the space).
    if line.contains(REPLY_ABOVE) || lines[i].trim_end() == "--" {
        return true;
    }
    // "-----Original Message-----", "----- Mensagem original -----", Outlook's long rule.
    let bare: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    let rule = line.starts_with("---") || line.starts_with("___");
    let named = [
        "originalmessage",
        "mensagemoriginal",
        "forwardedmessage",
        "mensagemencaminhada",
    ]
    .contains(&bare.as_str());
    if rule && (named || (bare.is_empty() && line.len() >= 20)) {
        return true;
    }
    // Gmail, Apple Mail, Thunderbird: "On … wrote:" / "Em … escreveu:", maybe over two lines.
    let opens =
        lower.starts_with("on ") || lower.starts_with("em ") || lower.starts_with("no dia ");
    let wrote = |s: &str| {
        let s = s.trim().to_lowercase();
        s.ends_with("wrote:") || s.ends_with("escreveu:") || s.ends_with("a écrit :")
    };
    if opens && (wrote(line) || lines.get(i + 1).is_some_and(|next| wrote(next))) {
        return true;
    }
    // Outlook: "From: …" then "Sent: …" (or "De: …" then "Enviado: …" / "Enviada em: …").
    if lower.starts_with("from:") || lower.starts_with("de:") {
        let sent = lines[i + 1..lines.len().min(i + 5)].iter().any(|l| {
            let l = l.trim().to_lowercase();
            l.starts_with("sent:")
                || l.starts_with("enviado:")
                || l.starts_with("enviada em:")
                || l.starts_with("enviado em:")
                || l.starts_with("date:")
                || l.starts_with("data:")
        });
        if sent {
            return true;
        }
    }
    // Phone and app signatures.
    [
        "sent from my ",
        "enviado do meu ",
        "enviado de meu ",
        "sent from outlook",
        "enviado do outlook",
        "get outlook for ",
        "obter o outlook para ",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

/// The token of a Chamado reply address among the recipients: `suporte+<token>@domain` for the
/// sender's own `local` part and domain.
pub fn reply_token<'a>(recipients: &[&'a str], local: &str, domain: &str) -> Option<&'a str> {
    recipients.iter().find_map(|address| {
        let (user, host) = address.rsplit_once('@')?;
        if !host.eq_ignore_ascii_case(domain) {
            return None;
        }
        let (base, token) = user.split_once('+')?;
        base.eq_ignore_ascii_case(local).then_some(token)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_and_apple_quotes_are_cut_in_both_languages() {
        let gmail = "Obrigado, funcionou!\n\nEm seg., 7 de dez. de 2026 às 10:00, Suporte ACME <\nsuporte@acme.com.br> escreveu:\n\n> Olá Diego,\n> tente de novo.\n";
        assert_eq!(reply_part(gmail), "Obrigado, funcionou!");
        let gmail_en = "Thanks!\r\n\r\nOn Mon, Dec 7, 2026 at 10:00 AM Suporte ACME <suporte@acme.com.br>\r\nwrote:\r\n> Hello\r\n";
        assert_eq!(reply_part(gmail_en), "Thanks!");
        let apple = "Ainda não.\n\nEnviado do meu iPhone\n\n> Em 7 de dez. de 2026, à(s) 10:00, Suporte <s@a.com> escreveu:\n> Olá\n";
        assert_eq!(reply_part(apple), "Ainda não.");
    }

    #[test]
    fn outlook_headers_and_separators_are_cut() {
        let outlook = "Segue o print.\n\nAtenciosamente,\nDiego\n\n________________________________\nDe: Suporte ACME <suporte@acme.com.br>\nEnviado: segunda-feira, 7 de dezembro de 2026 10:00\nPara: Diego\nAssunto: [TKT-000042] Erro\n\nOlá\n";
        assert_eq!(
            reply_part(outlook),
            "Segue o print.\n\nAtenciosamente,\nDiego"
        );
        let no_separator =
            "Ok.\n\nFrom: Support <s@a.com>\nSent: Monday, December 7, 2026 10:00 AM\nTo: Diego\n";
        assert_eq!(reply_part(no_separator), "Ok.");
        let original = "Ok.\n\n-----Original Message-----\nFrom: x\n";
        assert_eq!(reply_part(original), "Ok.");
    }

    #[test]
    fn signatures_and_trailing_quotes_go_and_our_marker_cuts_first() {
        assert_eq!(
            reply_part("Resolvido.\n-- \nDiego Alves\nACME\n"),
            "Resolvido."
        );
        assert_eq!(reply_part("Sim.\n\n> antes\n> mais\n"), "Sim.");
        let marked = format!("Pode fechar.\n{REPLY_ABOVE}\nOlá Diego, …\n");
        assert_eq!(reply_part(&marked), "Pode fechar.");
    }

    #[test]
    fn text_that_only_looks_like_history_is_kept() {
        // All quote: kept whole rather than lost.
        assert_eq!(reply_part("> só citação\n"), "> só citação");
        // "de:" inside a sentence, "on " without "wrote:".
        let plain = "On Monday the export fails.\nDe: manhã funciona.\n";
        assert_eq!(reply_part(plain), plain.trim());
        // A line of dashes in the text is not a separator.
        assert_eq!(
            reply_part("Passos:\n---\n1. abrir\n"),
            "Passos:\n---\n1. abrir"
        );
    }

    #[test]
    fn the_reply_token_is_found_among_recipients() {
        let to = ["outra@acme.com.br", "Suporte+t42u5kabc@Acme.com.br"];
        assert_eq!(
            reply_token(&to, "suporte", "acme.com.br"),
            Some("t42u5kabc")
        );
        assert_eq!(reply_token(&to, "vendas", "acme.com.br"), None);
        assert_eq!(
            reply_token(&["suporte+x@evil.com"], "suporte", "acme.com.br"),
            None
        );
        assert_eq!(
            reply_token(&["suporte@acme.com.br"], "suporte", "acme.com.br"),
            None
        );
    }
}
