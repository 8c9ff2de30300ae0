//! Typed expressions. [`Column<M, T>`] and [`Expr<T>`] carry the Rust type of their value so
//! misuse (`p.views.eq("x")`) does not compile; underneath both is an untyped, backend-neutral
//! [`Node`] tree that the dialects render. Nothing here knows a backend.

use std::marker::PhantomData;
use std::ops;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::field::FieldType;
use crate::value::{SqlType, Value};

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// An arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFunc {
    /// `COUNT(*)`.
    Count,
    /// `COUNT(DISTINCT x)`.
    CountDistinct,
    /// `SUM(x)`.
    Sum,
    /// `AVG(x)`.
    Avg,
    /// `MIN(x)`.
    Min,
    /// `MAX(x)`.
    Max,
}

/// Where a LIKE pattern must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LikeKind {
    /// Anywhere in the text.
    Contains,
    /// At the start.
    StartsWith,
    /// At the end.
    EndsWith,
    /// The whole text (case-insensitive equality).
    Exact,
}

/// An untyped expression tree, rendered by a dialect. Build it through [`Column`] and [`Expr`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Node {
    /// A column of the queried table.
    Column(&'static str),
    /// A column qualified by its table: `"table"."column"`.
    TableColumn(&'static str, &'static str),
    /// A bound value.
    Value(Value),
    /// A constant truth value (an empty `IN` list is `false`).
    Bool(bool),
    /// `lhs op rhs`; `ty` is the type of the compared values.
    Compare {
        /// The operator.
        op: CmpOp,
        /// Left side.
        lhs: Box<Node>,
        /// Right side.
        rhs: Box<Node>,
        /// Type of both sides.
        ty: SqlType,
    },
    /// `lhs AND rhs`.
    And(Box<Node>, Box<Node>),
    /// `lhs OR rhs`.
    Or(Box<Node>, Box<Node>),
    /// `NOT expr`.
    Not(Box<Node>),
    /// `lhs op rhs` on numbers of type `ty`.
    Arith {
        /// The operator.
        op: ArithOp,
        /// Left side.
        lhs: Box<Node>,
        /// Right side.
        rhs: Box<Node>,
        /// Type of both sides and the result.
        ty: SqlType,
    },
    /// `-expr`.
    Neg(Box<Node>),
    /// `expr IS [NOT] NULL`.
    IsNull {
        /// The tested expression.
        expr: Box<Node>,
        /// `IS NOT NULL` when true.
        negated: bool,
    },
    /// `expr BETWEEN low AND high`.
    Between {
        /// The tested expression.
        expr: Box<Node>,
        /// Lower bound (inclusive).
        low: Box<Node>,
        /// Upper bound (inclusive).
        high: Box<Node>,
        /// Type of the values.
        ty: SqlType,
    },
    /// `expr [NOT] IN (values…)`.
    InList {
        /// The tested expression.
        expr: Box<Node>,
        /// The values; never empty (an empty list is rendered as a constant).
        values: Vec<Value>,
        /// Type of the values.
        ty: SqlType,
        /// `NOT IN` when true.
        negated: bool,
    },
    /// A pattern match on text; `needle` is the literal text to find, escaped by the dialect.
    Like {
        /// The tested text.
        expr: Box<Node>,
        /// The literal text looked for.
        needle: String,
        /// Where it must match.
        kind: LikeKind,
        /// Whether case is ignored.
        case_insensitive: bool,
    },
    /// A function call, such as `COUNT(*)`.
    Func {
        /// The function name, written as is (never user input).
        name: &'static str,
        /// The arguments.
        args: Vec<Node>,
    },
    /// `*`, as in `COUNT(*)`.
    Star,
    /// An aggregate over the rows of a group; the dialect casts the result to the type the
    /// Rust side expects.
    Aggregate {
        /// The function.
        func: AggFunc,
        /// The aggregated expression (`None` for `COUNT(*)`).
        arg: Option<Box<Node>>,
        /// The type of the aggregated expression.
        arg_type: SqlType,
    },
    /// A JSON path expression.
    Json(Box<crate::json::JsonNode>),
    /// `(a, b) IN ((?, ?), …)`: rows of values matched against several columns at once.
    InRows {
        /// The columns.
        columns: Vec<&'static str>,
        /// One value per column per row; never empty.
        rows: Vec<Vec<Value>>,
    },
    /// A full-text search expression.
    Search(Box<crate::search::SearchNode>),
    /// An expression that could not be built; rendering it is an error naming the reason.
    Invalid(String),
    /// `expr [NOT] IN (SELECT …)`.
    InSubquery {
        /// The tested expression.
        expr: Box<Node>,
        /// The subquery, selecting one column.
        select: Box<crate::stmt::Select>,
        /// `NOT IN` when true.
        negated: bool,
    },
}

impl Node {
    fn boxed(self) -> Box<Node> {
        Box::new(self)
    }

    /// `a OR b OR …` as a balanced tree, so thousands of alternatives nest only a few levels
    /// deep (rendering recurses, and SQLite limits expression depth). No alternative: false.
    pub(crate) fn any(mut nodes: Vec<Node>) -> Node {
        match nodes.len() {
            0 => Node::Bool(false),
            1 => nodes.pop().unwrap_or(Node::Bool(false)),
            n => {
                let right = nodes.split_off(n / 2);
                Node::Or(Box::new(Node::any(nodes)), Box::new(Node::any(right)))
            }
        }
    }
}

/// A typed SQL expression whose value is a `T`.
#[derive(Debug, Clone)]
pub struct Expr<T> {
    node: Node,
    _type: PhantomData<fn() -> T>,
}

impl<T> Expr<T> {
    /// Wraps an untyped node; the caller vouches for its type.
    pub fn from_node(node: Node) -> Self {
        Expr {
            node,
            _type: PhantomData,
        }
    }

    /// The untyped node.
    pub fn into_node(self) -> Node {
        self.node
    }

    /// A reference to the untyped node.
    pub fn node(&self) -> &Node {
        &self.node
    }
}

/// A typed handle to column of model `M` holding a `T`. Reached through the closures of
/// [`QuerySet`](crate::QuerySet) methods (`|p| p.views`) or `Model::columns()`.
pub struct Column<M, T> {
    name: &'static str,
    _type: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for Column<M, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M, T> Copy for Column<M, T> {}

impl<M, T> std::fmt::Debug for Column<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Column({})", self.name)
    }
}

impl<M, T> Column<M, T> {
    /// A handle to the column named `name` (the SQL name). Used by the derive macro.
    #[inline(always)]
    pub const fn new(name: &'static str) -> Self {
        Column {
            name,
            _type: PhantomData,
        }
    }

    /// The column's SQL name.
    #[inline(always)]
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// This column as an expression.
    #[inline(always)]
    pub fn expr(self) -> Expr<T> {
        Expr::from_node(Node::Column(self.name))
    }

    /// `SET column = value` for [`QuerySet::update`](crate::QuerySet::update).
    #[inline(always)]
    pub fn set(self, value: impl IntoExpr<T>) -> Assignment {
        Assignment {
            column: self.name,
            value: value.into_expr().node,
        }
    }
}

/// Anything usable where an expression of type `T` is expected: a value of that type, an
/// [`Expr<T>`] or a [`Column<_, T>`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be compared with or assigned to a column of type `{T}`",
    label = "expected a value of type `{T}` here",
    note = "use a value of type `{T}`, an `Expr<{T}>` or another column of type `{T}`"
)]
pub trait IntoExpr<T> {
    /// Converts into an expression.
    fn into_expr(self) -> Expr<T>;
}

/// A plain value usable where a `T` is expected (in `is_in` lists).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a value of type `{T}`",
    label = "expected a value of type `{T}` here"
)]
pub trait IntoValue<T> {
    /// Converts into a bound value.
    fn into_value(self) -> Value;
}

impl<T> IntoExpr<T> for Expr<T> {
    fn into_expr(self) -> Expr<T> {
        self
    }
}

impl<M, T> IntoExpr<T> for Column<M, T> {
    #[inline(always)]
    fn into_expr(self) -> Expr<T> {
        self.expr()
    }
}

macro_rules! value_conversions {
    ($target:ty => $($source:ty : |$v:ident| $conv:expr),* $(,)?) => {$(
        impl IntoValue<$target> for $source {
            fn into_value(self) -> Value {
                let $v = self;
                $conv
            }
        }
        impl IntoExpr<$target> for $source {
            fn into_expr(self) -> Expr<$target> {
                Expr::from_node(Node::Value(IntoValue::<$target>::into_value(self)))
            }
        }
    )*};
}

macro_rules! base_conversions {
    ($($base:ty $(, $borrowed:ty : |$b:ident| $bconv:expr)*;)*) => {$(
        value_conversions!($base => $base: |v| FieldType::to_value(&v) $(, $borrowed: |$b| $bconv)*);
        value_conversions!(Option<$base> =>
            $base: |v| FieldType::to_value(&v),
            Option<$base>: |v| FieldType::to_value(&v)
            $(, $borrowed: |$b| $bconv)*);
    )*};
}

base_conversions! {
    bool;
    i16;
    i32;
    i64;
    f32;
    f64;
    String, &str: |v| Value::Text(v.to_owned()), &String: |v| Value::Text(v.clone());
    Vec<u8>, &[u8]: |v| Value::Bytes(v.to_vec());
    DateTime<Utc>;
    NaiveDateTime;
    NaiveDate;
    serde_json::Value;
}

/// What `is_in` accepts for a column of type `T`: values or a one-column subquery.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of `{T}` values or a subquery selecting a `{T}`",
    label = "expected values of type `{T}` here"
)]
pub trait InList<T> {
    /// Converts into the list's form.
    fn into_in_list(self) -> InListArg;
}

/// The two forms of an `IN` list.
#[derive(Debug, Clone, PartialEq)]
pub enum InListArg {
    /// Bound values.
    Values(Vec<Value>),
    /// A subquery selecting one column.
    Subquery(crate::stmt::Select),
}

impl<T, I> InList<T> for I
where
    I: IntoIterator,
    I::Item: IntoValue<T>,
{
    fn into_in_list(self) -> InListArg {
        InListArg::Values(self.into_iter().map(IntoValue::into_value).collect())
    }
}

/// Column types that hold text (`String`, `Option<String>`): they get LIKE operators.
pub trait TextType: FieldType {}
impl TextType for String {}
impl TextType for Option<String> {}

/// Column types that hold numbers (and their `Option`s): they get arithmetic.
pub trait NumericType: FieldType {}
macro_rules! numeric {
    ($($t:ty),*) => {$( impl NumericType for $t {} impl NumericType for Option<$t> {} )*};
}
numeric!(i16, i32, i64, f32, f64);

/// Comparison and test methods shared by [`Column`] and [`Expr`].
macro_rules! operand_methods {
    () => {
        #[inline(always)]
        fn compare(self, op: CmpOp, rhs: impl IntoExpr<T>) -> Expr<bool> {
            let lhs = self.into_expr().node;
            compare_nodes(op, lhs, rhs.into_expr().node, T::SQL_TYPE)
        }

        /// `self = rhs` (case-sensitive for text on every backend).
        #[inline(always)]
        pub fn eq(self, rhs: impl IntoExpr<T>) -> Expr<bool> {
            self.compare(CmpOp::Eq, rhs)
        }

        /// `self <> rhs`.
        #[inline(always)]
        pub fn ne(self, rhs: impl IntoExpr<T>) -> Expr<bool> {
            self.compare(CmpOp::Ne, rhs)
        }

        /// `self < rhs`.
        #[inline(always)]
        pub fn lt(self, rhs: impl IntoExpr<T>) -> Expr<bool> {
            self.compare(CmpOp::Lt, rhs)
        }

        /// `self <= rhs`.
        #[inline(always)]
        pub fn le(self, rhs: impl IntoExpr<T>) -> Expr<bool> {
            self.compare(CmpOp::Le, rhs)
        }

        /// `self > rhs`.
        #[inline(always)]
        pub fn gt(self, rhs: impl IntoExpr<T>) -> Expr<bool> {
            self.compare(CmpOp::Gt, rhs)
        }

        /// `self >= rhs`.
        #[inline(always)]
        pub fn ge(self, rhs: impl IntoExpr<T>) -> Expr<bool> {
            self.compare(CmpOp::Ge, rhs)
        }

        /// `self BETWEEN low AND high` (both inclusive).
        #[inline(always)]
        pub fn between(self, low: impl IntoExpr<T>, high: impl IntoExpr<T>) -> Expr<bool> {
            Expr::from_node(Node::Between {
                expr: self.into_expr().node.boxed(),
                low: low.into_expr().node.boxed(),
                high: high.into_expr().node.boxed(),
                ty: T::SQL_TYPE,
            })
        }

        /// `self IN (…)`: a list of values (an array, a `Vec`, any iterator) or a one-column
        /// subquery (`Author::query().filter(…).values(|a| a.id)`). On PostgreSQL a list is one
        /// array parameter (`= ANY($1)`); an empty list matches no row.
        #[inline(always)]
        pub fn is_in(self, values: impl InList<T>) -> Expr<bool> {
            self.in_list(values, false)
        }

        /// `self NOT IN (…)`; an empty list matches every row.
        #[inline(always)]
        pub fn not_in(self, values: impl InList<T>) -> Expr<bool> {
            self.in_list(values, true)
        }

        #[inline(always)]
        fn in_list(self, values: impl InList<T>, negated: bool) -> Expr<bool> {
            let expr = self.into_expr().node;
            in_list_node(expr, values.into_in_list(), T::SQL_TYPE, negated)
        }

        /// `self IS NULL`.
        #[inline(always)]
        pub fn is_null(self) -> Expr<bool> {
            Expr::from_node(Node::IsNull {
                expr: self.into_expr().node.boxed(),
                negated: false,
            })
        }

        /// `self IS NOT NULL`.
        #[inline(always)]
        pub fn is_not_null(self) -> Expr<bool> {
            Expr::from_node(Node::IsNull {
                expr: self.into_expr().node.boxed(),
                negated: true,
            })
        }

        /// Ascending order by this expression.
        #[inline(always)]
        pub fn asc(self) -> Order {
            Order {
                node: self.into_expr().node,
                descending: false,
            }
        }

        /// Descending order by this expression.
        #[inline(always)]
        pub fn desc(self) -> Order {
            Order {
                node: self.into_expr().node,
                descending: true,
            }
        }
    };
}

macro_rules! text_methods {
    () => {
        #[inline(always)]
        fn like(self, needle: &str, kind: LikeKind, case_insensitive: bool) -> Expr<bool> {
            like_node(self.into_expr().node, needle, kind, case_insensitive)
        }

        /// The text contains `needle` (case-sensitive; `%` and `_` match themselves).
        #[inline(always)]
        pub fn contains(self, needle: &str) -> Expr<bool> {
            self.like(needle, LikeKind::Contains, false)
        }

        /// The text starts with `prefix` (case-sensitive).
        #[inline(always)]
        pub fn starts_with(self, prefix: &str) -> Expr<bool> {
            self.like(prefix, LikeKind::StartsWith, false)
        }

        /// The text ends with `suffix` (case-sensitive).
        #[inline(always)]
        pub fn ends_with(self, suffix: &str) -> Expr<bool> {
            self.like(suffix, LikeKind::EndsWith, false)
        }

        /// The text contains `needle`, ignoring case.
        #[inline(always)]
        pub fn icontains(self, needle: &str) -> Expr<bool> {
            self.like(needle, LikeKind::Contains, true)
        }

        /// The text starts with `prefix`, ignoring case.
        #[inline(always)]
        pub fn istarts_with(self, prefix: &str) -> Expr<bool> {
            self.like(prefix, LikeKind::StartsWith, true)
        }

        /// The text ends with `suffix`, ignoring case.
        #[inline(always)]
        pub fn iends_with(self, suffix: &str) -> Expr<bool> {
            self.like(suffix, LikeKind::EndsWith, true)
        }

        /// The text equals `other`, ignoring case.
        #[inline(always)]
        pub fn ieq(self, other: &str) -> Expr<bool> {
            self.like(other, LikeKind::Exact, true)
        }
    };
}

// The node builders behind the methods above, compiled once rather than per column type and
// model: the methods of `Column<M, T>` are instantiated for every model.

fn compare_nodes(op: CmpOp, lhs: Node, rhs: Node, ty: SqlType) -> Expr<bool> {
    Expr::from_node(Node::Compare {
        op,
        lhs: lhs.boxed(),
        rhs: rhs.boxed(),
        ty,
    })
}

fn in_list_node(expr: Node, values: InListArg, ty: SqlType, negated: bool) -> Expr<bool> {
    let expr = expr.boxed();
    match values {
        InListArg::Values(values) if values.is_empty() => Expr::from_node(Node::Bool(negated)),
        InListArg::Values(values) => Expr::from_node(Node::InList {
            expr,
            values,
            ty,
            negated,
        }),
        InListArg::Subquery(select) => Expr::from_node(Node::InSubquery {
            expr,
            select: Box::new(select),
            negated,
        }),
    }
}

fn like_node(expr: Node, needle: &str, kind: LikeKind, case_insensitive: bool) -> Expr<bool> {
    Expr::from_node(Node::Like {
        expr: expr.boxed(),
        needle: needle.to_owned(),
        kind,
        case_insensitive,
    })
}

impl<M, T: FieldType> Column<M, T> {
    operand_methods!();
}

impl<T: FieldType> Expr<T> {
    operand_methods!();
}

impl<M, T: TextType> Column<M, T> {
    text_methods!();
}

impl<T: TextType> Expr<T> {
    text_methods!();
}

macro_rules! arithmetic {
    ($($trait:ident $method:ident $op:ident),*) => {$(
        impl<T: NumericType, R: IntoExpr<T>> ops::$trait<R> for Expr<T> {
            type Output = Expr<T>;
            fn $method(self, rhs: R) -> Expr<T> {
                Expr::from_node(Node::Arith {
                    op: ArithOp::$op,
                    lhs: self.node.boxed(),
                    rhs: rhs.into_expr().node.boxed(),
                    ty: T::SQL_TYPE,
                })
            }
        }
        impl<M, T: NumericType, R: IntoExpr<T>> ops::$trait<R> for Column<M, T> {
            type Output = Expr<T>;
            #[inline(always)]
            fn $method(self, rhs: R) -> Expr<T> {
                ops::$trait::$method(self.expr(), rhs)
            }
        }
    )*};
}
arithmetic!(Add add Add, Sub sub Sub, Mul mul Mul, Div div Div);

/// Integer column types (and their `Option`s): they get `%`, which PostgreSQL does not define
/// on floats.
pub trait IntegerType: NumericType {}
macro_rules! integer {
    ($($t:ty),*) => {$( impl IntegerType for $t {} impl IntegerType for Option<$t> {} )*};
}
integer!(i16, i32, i64);

impl<T: IntegerType, R: IntoExpr<T>> ops::Rem<R> for Expr<T> {
    type Output = Expr<T>;
    fn rem(self, rhs: R) -> Expr<T> {
        Expr::from_node(Node::Arith {
            op: ArithOp::Rem,
            lhs: self.node.boxed(),
            rhs: rhs.into_expr().node.boxed(),
            ty: T::SQL_TYPE,
        })
    }
}

impl<M, T: IntegerType, R: IntoExpr<T>> ops::Rem<R> for Column<M, T> {
    type Output = Expr<T>;
    #[inline(always)]
    fn rem(self, rhs: R) -> Expr<T> {
        self.expr() % rhs
    }
}

impl<T: NumericType> ops::Neg for Expr<T> {
    type Output = Expr<T>;
    fn neg(self) -> Expr<T> {
        Expr::from_node(Node::Neg(self.node.boxed()))
    }
}

impl<M, T: NumericType> ops::Neg for Column<M, T> {
    type Output = Expr<T>;
    #[inline(always)]
    fn neg(self) -> Expr<T> {
        -self.expr()
    }
}

impl<R: IntoCondition> ops::BitAnd<R> for Expr<bool> {
    type Output = Expr<bool>;
    fn bitand(self, rhs: R) -> Expr<bool> {
        Expr::from_node(Node::And(
            self.node.boxed(),
            rhs.into_condition().node.boxed(),
        ))
    }
}

impl<R: IntoCondition> ops::BitOr<R> for Expr<bool> {
    type Output = Expr<bool>;
    fn bitor(self, rhs: R) -> Expr<bool> {
        Expr::from_node(Node::Or(
            self.node.boxed(),
            rhs.into_condition().node.boxed(),
        ))
    }
}

impl ops::Not for Expr<bool> {
    type Output = Expr<bool>;
    fn not(self) -> Expr<bool> {
        Expr::from_node(Node::Not(self.node.boxed()))
    }
}

/// Anything usable as a filter: a boolean expression or a `bool` column.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a condition",
    label = "expected a condition, such as `p.views.gt(10)`",
    note = "a condition is an `Expr<bool>` (from `eq`, `gt`, `is_null`, `contains`, …, combined with `&`, `|` and `!`) or a `bool` column"
)]
pub trait IntoCondition {
    /// Converts into a boolean expression.
    fn into_condition(self) -> Expr<bool>;
}

impl IntoCondition for Expr<bool> {
    fn into_condition(self) -> Expr<bool> {
        self
    }
}

impl<M> IntoCondition for Column<M, bool> {
    #[inline(always)]
    fn into_condition(self) -> Expr<bool> {
        self.eq(true)
    }
}

/// One key of an ORDER BY.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    /// The ordered expression.
    pub node: Node,
    /// `DESC` when true.
    pub descending: bool,
}

/// One or several ORDER BY keys: an [`Order`], a column (ascending) or a tuple of them.
pub trait IntoOrder {
    /// Appends the keys to `out`.
    fn push_into(self, out: &mut Vec<Order>);
}

impl IntoOrder for Order {
    fn push_into(self, out: &mut Vec<Order>) {
        out.push(self);
    }
}

impl<M, T: FieldType> IntoOrder for Column<M, T> {
    #[inline(always)]
    fn push_into(self, out: &mut Vec<Order>) {
        out.push(self.asc());
    }
}

/// One or several columns of model `M`: a column or a tuple of them (conflict targets, the
/// fields `bulk_update` writes).
pub trait ColumnList<M> {
    /// Appends the columns' SQL names.
    fn push_names(self, out: &mut Vec<&'static str>);
}

impl<M, T> ColumnList<M> for Column<M, T> {
    #[inline(always)]
    fn push_names(self, out: &mut Vec<&'static str>) {
        out.push(self.name);
    }
}

/// `SET column = value`, built by [`Column::set`].
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The assigned column.
    pub column: &'static str,
    /// The new value.
    pub value: Node,
}

/// One or several assignments: an [`Assignment`] or a tuple of them.
pub trait IntoAssignments {
    /// Appends the assignments to `out`.
    fn push_into(self, out: &mut Vec<Assignment>);
}

impl IntoAssignments for Assignment {
    fn push_into(self, out: &mut Vec<Assignment>) {
        out.push(self);
    }
}

macro_rules! tuples {
    ($($name:ident)+) => {
        impl<$($name: IntoOrder),+> IntoOrder for ($($name,)+) {
            #[allow(non_snake_case)]
            #[inline(always)]
            fn push_into(self, out: &mut Vec<Order>) {
                let ($($name,)+) = self;
                $($name.push_into(out);)+
            }
        }
        impl<Model, $($name: ColumnList<Model>),+> ColumnList<Model> for ($($name,)+) {
            #[allow(non_snake_case)]
            #[inline(always)]
            fn push_names(self, out: &mut Vec<&'static str>) {
                let ($($name,)+) = self;
                $($name.push_names(out);)+
            }
        }
        impl<$($name: IntoAssignments),+> IntoAssignments for ($($name,)+) {
            #[allow(non_snake_case)]
            #[inline(always)]
            fn push_into(self, out: &mut Vec<Assignment>) {
                let ($($name,)+) = self;
                $($name.push_into(out);)+
            }
        }
    };
}
tuples!(A);
tuples!(A B);
tuples!(A B C);
tuples!(A B C D);
tuples!(A B C D E);
tuples!(A B C D E F);
tuples!(A B C D E F G);
tuples!(A B C D E F G H);
