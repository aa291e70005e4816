//! Satisfaction ratings: the requester rates a closed ticket once (1–5 and a comment).

use crate::backend::db::reports as db;
use crate::backend::Db;
use crate::domain::text_within;
use crate::domain::{
    CurrentUser, RatingInput, TicketNumber, TicketRating, TicketScope, RATING_COMMENT_MAX_CHARS,
};
use crate::error::{AppError, Entity, FieldError};
use chrono::{DateTime, Utc};

/// The requester rates their closed ticket once, 1 to 5, with an optional comment.
pub async fn rate(
    db_: &Db,
    user: &CurrentUser,
    id: &str,
    input: RatingInput,
    now: DateTime<Utc>,
) -> Result<TicketRating, AppError> {
    let number = TicketNumber::parse(id).ok_or(AppError::not_found(Entity::Ticket))?;
    let mut tx = db_.begin().await?;
    let ticket =
        crate::backend::db::tickets::find_summary(tx.conn(), &TicketScope::of(user), number.0)
            .await?
            .ok_or(AppError::not_found(Entity::Ticket))?;
    if ticket.requester_id != user.id {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    if !(1..=5).contains(&input.score) {
        errors.push(FieldError::new("score", "out_of_range"));
    }
    let comment = crate::domain::multi_line(&input.comment);
    if !comment.is_empty() {
        if let Err(code) = text_within(&comment, RATING_COMMENT_MAX_CHARS) {
            errors.push(FieldError::new("comment", code));
        }
    }
    if ticket.status != "closed" {
        errors.push(FieldError::new("status", "not_closed"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation { errors });
    }
    if !db::insert_rating(tx.conn(), number.0, user.id, input.score, &comment, now).await? {
        return Err(AppError::Conflict {
            code: "already_rated".to_owned(),
        });
    }
    crate::backend::db::tickets::insert_history(
        tx.conn(),
        number.0,
        Some(user.id),
        crate::domain::HistoryField::Rating,
        None,
        Some(&input.score.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(TicketRating {
        score: input.score,
        comment,
        created_at: now,
    })
}

/// A ticket's rating, if it has one.
pub async fn rating_of(
    c: crate::backend::db::Conn<'_>,
    ticket_id: i64,
) -> Result<Option<TicketRating>, AppError> {
    Ok(db::rating(c, ticket_id).await?.map(|r| TicketRating {
        score: r.score,
        comment: r.comment,
        created_at: r.created_at,
    }))
}
