use leptos::prelude::*;

use crate::domain::TicketStats;
use crate::i18n::*;

/// The counters above ticket lists (seed 002): Total, Aberto, Respondido, Fechado, Alta
/// prioridade — the customer's list and the agent's dashboard.
#[component]
pub fn Counters(stats: TicketStats) -> impl IntoView {
    let i18n = use_i18n();
    let s = stats;
    view! {
        <ul class="counters" aria-label=move || t_string!(i18n, tickets.counters)>
            <li><span class="counters__n" data-testid="count-total">{s.total}</span> {t!(i18n, tickets.total)}</li>
            <li><span class="counters__n" data-testid="count-open">{s.open}</span> {t!(i18n, status.open)}</li>
            <li><span class="counters__n" data-testid="count-answered">{s.answered}</span> {t!(i18n, status.answered)}</li>
            <li><span class="counters__n" data-testid="count-closed">{s.closed}</span> {t!(i18n, status.closed)}</li>
            <li><span class="counters__n" data-testid="count-high">{s.high_priority}</span> {t!(i18n, tickets.high_priority)}</li>
        </ul>
    }
}
