//! Typed projections: what a `values`, `annotate` or `aggregate` call selects and how each
//! result row decodes into a Rust tuple. Also the aggregate functions (`count`, `sum`, …),
//! whose result types are the same on every backend (the dialects cast where needed).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::error::Result;
use crate::exec::Row;
use crate::expr::{AggFunc, Column, Expr, IntoExpr, Node, NumericType};
use crate::field::FieldType;
use crate::value::SqlType;

/// One or several typed expressions selected together: a column, an expression, or a tuple of
/// them (up to 12). `Output` is what one result row decodes into.
pub trait Selection {
    /// The decoded row: `T` for one expression, a tuple for several.
    type Output: Send + 'static;
    /// How many result columns this selection has.
    const WIDTH: usize;
    /// Appends the selected expressions.
    fn push_nodes(self, out: &mut Vec<Node>);
    /// Decodes the selection from `row`, starting at column `offset`.
    fn decode(row: &Row, offset: usize) -> Result<Self::Output>;
}

impl<T: FieldType> Selection for Expr<T> {
    type Output = T;
    const WIDTH: usize = 1;
    fn push_nodes(self, out: &mut Vec<Node>) {
        out.push(self.into_node());
    }
    fn decode(row: &Row, offset: usize) -> Result<T> {
        T::decode(row, offset)
    }
}

impl<M, T: FieldType> Selection for Column<M, T> {
    type Output = T;
    const WIDTH: usize = 1;
    #[inline(always)]
    fn push_nodes(self, out: &mut Vec<Node>) {
        out.push(self.expr().into_node());
    }
    #[inline(always)]
    fn decode(row: &Row, offset: usize) -> Result<T> {
        T::decode(row, offset)
    }
}

macro_rules! tuple_selection {
    ($($name:ident)+) => {
        impl<$($name: Selection),+> Selection for ($($name,)+) {
            type Output = ($($name::Output,)+);
            const WIDTH: usize = 0 $(+ $name::WIDTH)+;
            #[allow(non_snake_case)]
            #[inline(always)]
            fn push_nodes(self, out: &mut Vec<Node>) {
                let ($($name,)+) = self;
                $($name.push_nodes(out);)+
            }
            #[allow(unused_assignments)]
            #[inline(always)]
            fn decode(row: &Row, offset: usize) -> Result<Self::Output> {
                let mut at = offset;
                Ok(($({
                    let value = $name::decode(row, at)?;
                    at += $name::WIDTH;
                    value
                },)+))
            }
        }
    };
}
tuple_selection!(A);
tuple_selection!(A B);
tuple_selection!(A B C);
tuple_selection!(A B C D);
tuple_selection!(A B C D E);
tuple_selection!(A B C D E F);
tuple_selection!(A B C D E F G);
tuple_selection!(A B C D E F G H);
tuple_selection!(A B C D E F G H I);
tuple_selection!(A B C D E F G H I J);
tuple_selection!(A B C D E F G H I J K);
tuple_selection!(A B C D E F G H I J K L);

/// Maps a column type to the type of its MIN/MAX: `i64` → `Option<i64>`, `Option<f64>` →
/// `Option<f64>` (empty input gives NULL).
pub trait Extremum: FieldType {
    /// `Option` of the non-null type.
    type Output: FieldType;
}

/// Maps a numeric column type to the type of its SUM: integers → `Option<i64>`, floats →
/// `Option<f64>`.
pub trait Summable: NumericType {
    /// The sum's type.
    type Output: FieldType;
}

macro_rules! extremum {
    ($($t:ty),*) => {$(
        impl Extremum for $t { type Output = Option<$t>; }
        impl Extremum for Option<$t> { type Output = Option<$t>; }
    )*};
}
extremum!(
    bool,
    i16,
    i32,
    i64,
    f32,
    f64,
    String,
    DateTime<Utc>,
    NaiveDateTime,
    NaiveDate
);

macro_rules! summable {
    ($out:ty => $($t:ty),*) => {$(
        impl Summable for $t { type Output = $out; }
        impl Summable for Option<$t> { type Output = $out; }
    )*};
}
summable!(Option<i64> => i16, i32, i64);
summable!(Option<f64> => f32, f64);

fn aggregate<T>(func: AggFunc, arg: Option<Node>, arg_type: SqlType) -> Expr<T> {
    Expr::from_node(Node::Aggregate {
        func,
        arg: arg.map(Box::new),
        arg_type,
    })
}

/// `COUNT(*)`: the number of rows, an `i64` on every backend.
pub fn count() -> Expr<i64> {
    aggregate(AggFunc::Count, None, SqlType::I64)
}

/// `COUNT(DISTINCT expr)`: distinct non-null values, an `i64`.
pub fn count_distinct<T: FieldType>(expr: impl IntoExpr<T>) -> Expr<i64> {
    aggregate(
        AggFunc::CountDistinct,
        Some(expr.into_expr().into_node()),
        T::SQL_TYPE,
    )
}

/// `SUM(expr)`: `Option<i64>` for integer columns, `Option<f64>` for floats; `None` on no rows.
pub fn sum<T: Summable>(expr: impl IntoExpr<T>) -> Expr<T::Output> {
    aggregate(
        AggFunc::Sum,
        Some(expr.into_expr().into_node()),
        T::SQL_TYPE,
    )
}

/// `AVG(expr)`: an `Option<f64>` on every backend; `None` on no rows.
pub fn avg<T: NumericType>(expr: impl IntoExpr<T>) -> Expr<Option<f64>> {
    aggregate(
        AggFunc::Avg,
        Some(expr.into_expr().into_node()),
        T::SQL_TYPE,
    )
}

/// `MIN(expr)`: `Option` of the column's type; `None` on no rows.
pub fn min<T: Extremum>(expr: impl IntoExpr<T>) -> Expr<T::Output> {
    aggregate(
        AggFunc::Min,
        Some(expr.into_expr().into_node()),
        T::SQL_TYPE,
    )
}

/// `MAX(expr)`: `Option` of the column's type; `None` on no rows.
pub fn max<T: Extremum>(expr: impl IntoExpr<T>) -> Expr<T::Output> {
    aggregate(
        AggFunc::Max,
        Some(expr.into_expr().into_node()),
        T::SQL_TYPE,
    )
}
