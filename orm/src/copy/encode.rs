//! COPY's two input formats, one field at a time. Binary fields are the type's binary input
//! form behind a length; text fields are the type's text form, escaped for COPY. Both carry
//! the same instant, to the microsecond, as the INSERT path's driver binds.

use std::io::Write as _;

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta, Timelike};

use crate::error::{Error, Result};
use crate::value::Value;

/// PostgreSQL's epoch for timestamps and dates: 2000-01-01, built once at compile time.
const PG_EPOCH: NaiveDateTime = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(day) => match day.and_hms_opt(0, 0, 0) {
        Some(at) => at,
        None => NaiveDateTime::MIN,
    },
    None => NaiveDateTime::MIN,
};

/// Microseconds since PostgreSQL's epoch, truncated the way the INSERT path's driver does.
fn pg_micros(at: NaiveDateTime) -> Result<i64> {
    (at - PG_EPOCH)
        .num_microseconds()
        .ok_or_else(|| Error::Encode {
            message: format!("{at} is out of PostgreSQL's timestamp range"),
        })
}

fn unencodable(value: &Value) -> Error {
    Error::Encode {
        message: format!("cannot COPY the value {value}"),
    }
}

/// One field in COPY's binary format: a length, then the type's binary form.
pub(super) fn push_binary(out: &mut Vec<u8>, value: &Value, jsonb: bool) -> Result<()> {
    fn field(out: &mut Vec<u8>, bytes: &[u8]) -> Result<()> {
        let len = i32::try_from(bytes.len()).map_err(|_| Error::Encode {
            message: "a value longer than 2 GiB".into(),
        })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(bytes);
        Ok(())
    }
    match value {
        Value::Null(_) => out.extend_from_slice(&(-1i32).to_be_bytes()),
        Value::Bool(v) => field(out, &[u8::from(*v)])?,
        Value::I16(v) => field(out, &v.to_be_bytes())?,
        Value::I32(v) => field(out, &v.to_be_bytes())?,
        Value::I64(v) => field(out, &v.to_be_bytes())?,
        Value::F32(v) => field(out, &v.to_be_bytes())?,
        Value::F64(v) => field(out, &v.to_be_bytes())?,
        Value::Text(v) => field(out, v.as_bytes())?,
        Value::Bytes(v) => field(out, v)?,
        Value::DateTime(v) => field(out, &pg_micros(v.naive_utc())?.to_be_bytes())?,
        Value::NaiveDateTime(v) => field(out, &pg_micros(*v)?.to_be_bytes())?,
        Value::Date(v) => {
            let days =
                i32::try_from((*v - PG_EPOCH.date()).num_days()).map_err(|_| unencodable(value))?;
            field(out, &days.to_be_bytes())?;
        }
        Value::Json(v) => {
            // The length is known only once the document is written.
            let at = out.len();
            out.extend_from_slice(&[0; 4]);
            if jsonb {
                out.push(1); // jsonb's binary format version
            }
            serde_json::to_writer(&mut *out, v)?;
            let len = i32::try_from(out.len() - at - 4).map_err(|_| unencodable(value))?;
            out[at..at + 4].copy_from_slice(&len.to_be_bytes());
        }
        Value::Unencodable(_) | Value::List(..) => return Err(unencodable(value)),
    }
    Ok(())
}

/// One field in COPY's text format: the type's text form, with backslash, tab, newline and
/// carriage return escaped; `\N` is NULL.
pub(super) fn push_text(out: &mut Vec<u8>, value: &Value) -> Result<()> {
    // Writing into a Vec<u8> cannot fail.
    let _ = match value {
        Value::Null(_) => out.write_all(b"\\N"),
        Value::Bool(v) => out.write_all(if *v { b"t" } else { b"f" }),
        Value::I16(v) => write!(out, "{v}"),
        Value::I32(v) => write!(out, "{v}"),
        Value::I64(v) => write!(out, "{v}"),
        Value::F32(v) => push_float(out, f64::from(*v), format_args!("{v:e}")),
        Value::F64(v) => push_float(out, *v, format_args!("{v:e}")),
        Value::Text(v) => {
            push_escaped(out, v.as_bytes());
            Ok(())
        }
        Value::Bytes(v) => {
            // bytea's hex form `\x…`, its backslash escaped for COPY.
            out.extend_from_slice(b"\\\\x");
            for byte in v {
                out.extend_from_slice(&HEX[usize::from(byte >> 4)..][..1]);
                out.extend_from_slice(&HEX[usize::from(byte & 15)..][..1]);
            }
            Ok(())
        }
        Value::DateTime(v) => push_timestamp(out, pg_micros(v.naive_utc())?, "+00"),
        Value::NaiveDateTime(v) => push_timestamp(out, pg_micros(*v)?, ""),
        Value::Date(v) => push_date(out, *v, ""),
        Value::Json(v) => {
            push_escaped(out, serde_json::to_string(v)?.as_bytes());
            Ok(())
        }
        Value::Unencodable(_) | Value::List(..) => return Err(unencodable(value)),
    };
    Ok(())
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// A float as PostgreSQL reads it: `NaN`, `±Infinity`, or the shortest form that reads back
/// to the same bits.
fn push_float(out: &mut Vec<u8>, v: f64, shortest: std::fmt::Arguments<'_>) -> std::io::Result<()> {
    if v.is_nan() {
        out.write_all(b"NaN")
    } else if v.is_infinite() {
        out.write_all(if v > 0.0 { b"Infinity" } else { b"-Infinity" })
    } else {
        out.write_fmt(shortest)
    }
}

fn push_escaped(out: &mut Vec<u8>, text: &[u8]) {
    let mut plain = 0;
    for (i, &byte) in text.iter().enumerate() {
        let escaped: &[u8] = match byte {
            b'\\' => b"\\\\",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            _ => continue,
        };
        out.extend_from_slice(&text[plain..i]);
        out.extend_from_slice(escaped);
        plain = i + 1;
    }
    out.extend_from_slice(&text[plain..]);
}

/// `YYYY-MM-DD hh:mm:ss.ffffff` from microseconds since 2000 (the same instant the binary
/// form carries), then `zone`, then ` BC` for years before 1.
fn push_timestamp(out: &mut Vec<u8>, micros: i64, zone: &str) -> std::io::Result<()> {
    let at = PG_EPOCH + TimeDelta::microseconds(micros);
    let time = at.time();
    let date_zone = format!(
        " {:02}:{:02}:{:02}.{:06}{zone}",
        time.hour(),
        time.minute(),
        time.second(),
        time.nanosecond() / 1_000
    );
    push_date(out, at.date(), &date_zone)
}

/// `YYYY-MM-DD`, then `suffix`, then ` BC` for years before 1 (chrono's year 0 is 1 BC).
fn push_date(out: &mut Vec<u8>, date: NaiveDate, suffix: &str) -> std::io::Result<()> {
    let year = date.year();
    let (shown, era) = if year > 0 {
        (year, "")
    } else {
        (1 - year, " BC")
    };
    write!(
        out,
        "{shown:04}-{:02}-{:02}{suffix}{era}",
        date.month(),
        date.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_fields_escape_copy_delimiters() {
        let mut out = Vec::new();
        push_escaped(&mut out, "a\\b\tc\nd\re ☃".as_bytes());
        assert_eq!(out, b"a\\\\b\\tc\\nd\\re \xe2\x98\x83");
    }

    #[test]
    fn dates_before_year_one_are_written_as_bc() {
        let mut out = Vec::new();
        let date = NaiveDate::from_ymd_opt(-43, 3, 15).unwrap_or_default();
        push_date(&mut out, date, "").unwrap_or_default();
        assert_eq!(out, b"0044-03-15 BC");
    }

    #[test]
    fn values_without_a_column_form_are_encode_errors() {
        for value in [
            Value::Unencodable("no".into()),
            Value::List(crate::value::SqlType::I64, vec![Value::I64(1)]),
        ] {
            let mut out = Vec::new();
            assert!(matches!(
                push_text(&mut out, &value),
                Err(Error::Encode { .. })
            ));
            assert!(matches!(
                push_binary(&mut out, &value, true),
                Err(Error::Encode { .. })
            ));
        }
    }
}
