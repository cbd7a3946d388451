//! A word of a closed vocabulary (a status, a kind, a role) in a text column, typed as its
//! domain enum: writing one takes the enum, and reading a row whose column holds a word the enum
//! does not know fails at the load, so no unchecked string reaches the rest of the store.

use std::{fmt, str::FromStr};

use sea_orm::{
    ColIdx, ColumnType, DbErr, QueryResult, TryGetError, TryGetable, Value,
    sea_query::{ArrayType, Nullable, StringLen, ValueType, ValueTypeErr},
};

/// The column value of `T`, spelled as `T`'s `as_ref()` (the contract's snake_case word).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Word<T>(pub T);

impl<T: fmt::Debug> fmt::Debug for Word<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Reads `text` as a word of `T`.
fn parse<T: FromStr>(text: &str) -> Result<Word<T>, DbErr> {
    text.parse().map(Word).map_err(|_| {
        DbErr::Type(format!(
            "{text:?} is not a {}",
            std::any::type_name::<T>()
                .rsplit("::")
                .next()
                .unwrap_or("word")
        ))
    })
}

impl<T: AsRef<str>> From<Word<T>> for Value {
    fn from(word: Word<T>) -> Self {
        Value::from(word.0.as_ref().to_owned())
    }
}

impl<T: FromStr> TryGetable for Word<T> {
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        let text = String::try_get_by(res, index)?;
        parse(&text).map_err(TryGetError::DbErr)
    }
}

impl<T: FromStr> ValueType for Word<T> {
    fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
        let text = <String as ValueType>::try_from(value)?;
        parse(&text).map_err(|_| ValueTypeErr)
    }

    fn type_name() -> String {
        format!("Word<{}>", std::any::type_name::<T>())
    }

    fn array_type() -> ArrayType {
        ArrayType::String
    }

    fn column_type() -> ColumnType {
        ColumnType::String(StringLen::None)
    }
}

impl<T> Nullable for Word<T> {
    fn null() -> Value {
        Value::String(None)
    }
}

#[cfg(test)]
mod tests {
    use mm_domain::booking::BookingStatus;

    use super::*;

    #[test]
    fn a_word_is_stored_as_the_contract_spells_it_and_read_back_typed() {
        let value = Value::from(Word(BookingStatus::NoShow));
        assert_eq!(value, Value::from("no_show".to_owned()));
        let back: Word<BookingStatus> = ValueType::try_from(value).unwrap();
        assert_eq!(back, Word(BookingStatus::NoShow));
    }

    #[test]
    fn an_unknown_word_in_the_database_fails_to_load() {
        let stored = Value::from("maybe".to_owned());
        assert!(<Word<BookingStatus> as ValueType>::try_from(stored).is_err());
        let error = parse::<BookingStatus>("maybe").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("\"maybe\" is not a BookingStatus"),
            "{error}"
        );
    }
}
