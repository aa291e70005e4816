//! Synonym groups: a word's alternatives in queries (admins edit them; these are the defaults).
use super::analysis::fold;

use std::collections::HashMap;

/// Groups of words that mean the same (each group: a list of words or short phrases).
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    by_word: HashMap<String, Vec<String>>,
}

impl Synonyms {
    pub fn new(groups: &[Vec<String>]) -> Self {
        let mut by_word: HashMap<String, Vec<String>> = HashMap::new();
        for group in groups {
            let folded: Vec<String> = group
                .iter()
                .map(|w| fold(w))
                .filter(|w| !w.is_empty())
                .collect();
            for w in &folded {
                let others = folded.iter().filter(|o| *o != w).cloned();
                by_word.entry(w.clone()).or_default().extend(others);
            }
        }
        Synonyms { by_word }
    }

    /// The groups Chamado starts with (admins edit them): everyday Brazilian support
    /// vocabulary, Portuguese ↔ English product words and common chat abbreviations.
    pub fn defaults() -> Self {
        let groups: Vec<Vec<String>> = DEFAULT_SYNONYMS
            .iter()
            .map(|g| g.iter().map(|w| (*w).to_owned()).collect())
            .collect();
        Synonyms::new(&groups)
    }

    pub(super) fn of(&self, word: &str) -> &[String] {
        self.by_word.get(word).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The default synonym groups (see [`Synonyms::defaults`]).
pub const DEFAULT_SYNONYMS: &[&[&str]] = &[
    &["senha", "password"],
    &["entrar", "logar", "login", "acessar", "sign in"],
    &["sair", "logout", "deslogar"],
    &["cancelar", "cancelamento", "encerrar", "cancel"],
    &["fatura", "boleto", "cobranca", "invoice", "billing"],
    &["pagamento", "pagar", "payment"],
    &["reembolso", "estorno", "refund"],
    &["excluir", "apagar", "deletar", "remover", "delete"],
    &["usuario", "user", "colaborador", "membro"],
    &["chamado", "ticket"],
    &["whatsapp", "zap", "wpp", "whats"],
    &["mensagem", "msg", "message"],
    &["robo", "bot", "chatbot"],
    &["lento", "lentidao", "demora", "devagar", "slow"],
    &[
        "caiu",
        "fora do ar",
        "indisponivel",
        "instabilidade",
        "down",
        "offline",
    ],
    &["aplicativo", "app"],
    &["integracao", "integration"],
    &["conector", "connector"],
    &["plano", "assinatura", "plan", "subscription"],
    &["2fa", "duas etapas", "dois fatores", "two-factor", "mfa"],
    &["email", "e-mail"],
    &["configurar", "configuracao", "setup", "settings"],
    &["limite", "cota", "quota", "limit"],
    &["bloqueado", "bloqueio", "locked"],
    &["preco", "valor", "custo", "price"],
    &["cliente", "customer"],
    &["atualizar", "atualizacao", "update"],
    &["erro", "error"],
    &["sincronizar", "sincronizacao", "sync"],
];
