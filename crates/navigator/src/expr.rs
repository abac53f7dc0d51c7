//! Score expressions of the Navigator's "create layer from other layers".
//!
//! The ATT&CK Navigator combines layers by evaluating a score expression with
//! math.js for every technique×tactic: each input layer is named by a letter
//! (`a`, `b`, `c`, …) that stands for its score there. This module is a
//! hand-written, safe subset of that language, parsed by recursive descent.
//!
//! The text is lower-cased first, as the Navigator does, so `A+B` is `a+b`.
//! It is made of:
//!
//! - numbers (`12`, `0.5`, `.5`, `1e3`, `2.5e-2`), `true` and `false`;
//! - variables: a single letter from `a` to `z`; a longer name is an error;
//! - the operators, loosest first: the conditional `c ? x : y`; `or`; `xor`;
//!   `and`; the comparisons `==`, `!=`, `<`, `<=`, `>`, `>=`, which chain as
//!   in math.js (`a < b < c` means `a < b and b < c`); `+` and `-`; `*`, `/`,
//!   `%` and `mod`; the prefix operators `-`, `+` and `not`; and the power `^`,
//!   which binds tighter than a minus on its left (`-2^2` is −4) and is
//!   right-associative (`2^3^2` is 512);
//! - the functions `min(x, …)`, `max(x, …)`, `abs`, `round` (half away from
//!   zero), `floor`, `ceil`, `sqrt`, `log(x)` (natural), `log(x, base)`, `exp`
//!   and `sign`.
//!
//! A value is a number or a boolean: a boolean counts as 1 or 0 in arithmetic,
//! and a number is true when it is neither zero nor NaN. `x mod y` takes the
//! sign of `y` (`-5 mod 3` is 1) and is `x` when `y` is zero, as in math.js.
//! For example, the expression "a > 0 and b == 0" scores 1 where the first
//! layer scores a technique and the second does not, and "(a + b) / 2" is the
//! mean of two layers. An expression whose result is NaN or infinite (such as
//! "a / b" where `b` is 0) has no score: [`Expression::evaluate`] reports
//! [`EvalError::NotANumber`].
//!
//! Implicit multiplication (`2a`) is not supported: write `2 * a`. Texts
//! longer than [`MAX_LENGTH`] bytes or nested deeper than [`MAX_DEPTH`] levels
//! are refused with a [`ParseError`], never a stack overflow.
//!
//! Arithmetic is plain IEEE `f64`. Comparisons are math.js's: numbers
//! within a relative [`EPSILON`] (1e-12) of each other are equal, so
//! `0.1 + 0.2 == 0.3` holds and `0.1 + 0.2 > 0.3` does not. math.js also
//! snaps `floor`, `ceil`, `round` and `mod` to a nearby integer; here they
//! are IEEE's.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// The longest expression text accepted, in bytes.
pub const MAX_LENGTH: usize = 10_000;

/// The deepest nesting accepted. Each parenthesis, function call, prefix
/// operator (`-`, `+`, `not`), power exponent and conditional opens a level.
pub const MAX_DEPTH: usize = 64;

/// A parsed score expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expression {
    root: Node,
}

/// The value of an expression: math.js gives numbers and booleans.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A number.
    Number(f64),
    /// A boolean, from a comparison or a logical operator.
    Bool(bool),
}

impl Value {
    /// The value as a score: a number is itself, `true` is 1 and `false` is 0,
    /// as the Navigator turns a boolean result into a score.
    #[must_use]
    pub fn as_score(self) -> f64 {
        match self {
            Value::Number(x) => x,
            Value::Bool(b) => f64::from(u8::from(b)),
        }
    }

    /// The value as a condition: a number is true when it is neither zero nor
    /// NaN (JavaScript's truthiness).
    fn truthy(self) -> bool {
        match self {
            Value::Number(x) => !(x == 0.0 || x.is_nan()),
            Value::Bool(b) => b,
        }
    }
}

/// Why a text is not an expression.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message} at offset {offset}")]
pub struct ParseError {
    /// The byte offset in the input where the problem is.
    pub offset: usize,
    /// What was found and what was expected.
    pub message: String,
}

impl ParseError {
    fn at(offset: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            offset,
            message: message.into(),
        }
    }
}

/// Why an expression has no score.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvalError {
    /// The result is NaN or infinite (a division by zero, the logarithm of a
    /// negative number, …): the Navigator refuses such a score.
    #[error("`{expression}` does not evaluate to a finite number")]
    NotANumber {
        /// The expression, written canonically.
        expression: String,
    },
}

impl Expression {
    /// Parses an expression, lower-casing it first as the Navigator does.
    ///
    /// # Errors
    ///
    /// A [`ParseError`] at the first problem in the text: a syntax error, an
    /// unknown name or function, a wrong number of arguments, a text longer
    /// than [`MAX_LENGTH`] bytes or nested deeper than [`MAX_DEPTH`] levels.
    pub fn parse(text: &str) -> Result<Expression, ParseError> {
        if text.len() > MAX_LENGTH {
            return Err(ParseError {
                offset: MAX_LENGTH,
                message: format!(
                    "the expression is {} bytes long, expected at most {MAX_LENGTH}",
                    text.len()
                ),
            });
        }
        let lower = text.to_ascii_lowercase();
        let mut parser = Parser::new(&lower)?;
        if parser.tok.kind == Kind::End {
            return Err(ParseError::at(
                parser.tok.start,
                "expected an expression, found nothing",
            ));
        }
        let root = parser.conditional()?;
        if parser.tok.kind != Kind::End {
            return Err(ParseError::at(
                parser.tok.start,
                format!(
                    "expected an operator or the end of the expression, found {}",
                    parser.describe(parser.tok)
                ),
            ));
        }
        Ok(Expression { root })
    }

    /// The variables it uses, sorted (e.g. `['a', 'c']`).
    #[must_use]
    pub fn variables(&self) -> Vec<char> {
        let mut found = BTreeSet::new();
        self.root.collect_variables(&mut found);
        found.into_iter().collect()
    }

    /// True when it uses no variable (a constant: the Navigator then scores
    /// every technique with it).
    #[must_use]
    pub fn is_constant(&self) -> bool {
        self.variables().is_empty()
    }

    /// Evaluates the expression; `value_of(v)` gives the score of variable `v`
    /// (callers pass 0.0 for a missing score).
    ///
    /// Only the result must be finite: an infinite or NaN value along the way
    /// is fine when it does not reach the result (`1 / a > 5` is true where `a`
    /// is 0), as in math.js.
    ///
    /// # Errors
    ///
    /// [`EvalError::NotANumber`] when the result is NaN or infinite.
    pub fn evaluate(&self, value_of: impl Fn(char) -> f64) -> Result<Value, EvalError> {
        let value = self.root.eval(&value_of);
        match value {
            Value::Number(x) if !x.is_finite() => Err(EvalError::NotANumber {
                expression: self.to_string(),
            }),
            _ => Ok(value),
        }
    }
}

/// The canonical text: lower case, one space around binary operators, and
/// parentheses only where they are needed to read the same tree back, so
/// `Expression::parse(&e.to_string())` equals `e`. (The canonical text can be
/// longer than the one parsed, `a%b` shows as `a mod b`: near [`MAX_LENGTH`]
/// it may be too long to parse again.)
impl fmt::Display for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.root.write(f)
    }
}

impl FromStr for Expression {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Expression::parse(text)
    }
}

// ---------------------------------------------------------------------------
// The syntax tree

/// A node of the syntax tree. Chains of one precedence level (`a + b - c`)
/// are one node with a list, so the tree is only as deep as the nesting of
/// the text, which [`MAX_DEPTH`] bounds.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Number(f64),
    Bool(bool),
    Variable(char),
    Unary(UnaryOp, Box<Node>),
    Power(Box<Node>, Box<Node>),
    Product(Box<Node>, Vec<(MulOp, Node)>),
    Sum(Box<Node>, Vec<(AddOp, Node)>),
    Compare(Box<Node>, Vec<(CmpOp, Node)>),
    /// At least two operands.
    Logical(LogicOp, Vec<Node>),
    Conditional(Box<Node>, Box<Node>, Box<Node>),
    Call(Function, Vec<Node>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnaryOp {
    Neg,
    Plus,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MulOp {
    Mul,
    Div,
    Mod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AddOp {
    Add,
    Sub,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LogicOp {
    Or,
    Xor,
    And,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Function {
    Min,
    Max,
    Abs,
    Round,
    Floor,
    Ceil,
    Sqrt,
    Log,
    Exp,
    Sign,
}

/// Precedence levels, loosest first (math.js order).
const LEVEL_CONDITIONAL: u8 = 1;
const LEVEL_OR: u8 = 2;
const LEVEL_XOR: u8 = 3;
const LEVEL_AND: u8 = 4;
const LEVEL_COMPARE: u8 = 5;
const LEVEL_SUM: u8 = 6;
const LEVEL_PRODUCT: u8 = 7;
const LEVEL_UNARY: u8 = 8;
const LEVEL_POWER: u8 = 9;
const LEVEL_PRIMARY: u8 = 10;

const FUNCTIONS: [Function; 10] = [
    Function::Min,
    Function::Max,
    Function::Abs,
    Function::Round,
    Function::Floor,
    Function::Ceil,
    Function::Sqrt,
    Function::Log,
    Function::Exp,
    Function::Sign,
];

impl Function {
    fn name(self) -> &'static str {
        match self {
            Function::Min => "min",
            Function::Max => "max",
            Function::Abs => "abs",
            Function::Round => "round",
            Function::Floor => "floor",
            Function::Ceil => "ceil",
            Function::Sqrt => "sqrt",
            Function::Log => "log",
            Function::Exp => "exp",
            Function::Sign => "sign",
        }
    }

    fn from_name(name: &str) -> Option<Function> {
        FUNCTIONS.into_iter().find(|f| f.name() == name)
    }

    /// Whether the function takes `count` arguments.
    fn takes(self, count: usize) -> bool {
        match self {
            Function::Min | Function::Max => count >= 1,
            Function::Log => (1..=2).contains(&count),
            _ => count == 1,
        }
    }

    /// Why the function does not take `count` arguments.
    #[cold]
    #[inline(never)]
    fn arity_error(self, count: usize) -> String {
        let name = self.name();
        match self {
            Function::Min | Function::Max => format!("`{name}` needs at least one argument"),
            Function::Log => format!(
                "`log` takes one or two arguments (`log(x)` or `log(x, base)`), found {count}"
            ),
            _ => format!("`{name}` takes exactly one argument, found {count}"),
        }
    }

    fn apply(self, args: &[Node], value_of: &dyn Fn(char) -> f64) -> Value {
        let arg = |i: usize| {
            args.get(i)
                .map_or(f64::NAN, |a| a.eval(value_of).as_score())
        };
        let x = || arg(0);
        let number = match self {
            Function::Min | Function::Max => return self.extremum(args, value_of),
            Function::Abs => x().abs(),
            Function::Round => x().round(),
            Function::Floor => x().floor(),
            Function::Ceil => x().ceil(),
            Function::Sqrt => x().sqrt(),
            Function::Log if args.len() == 2 => x().ln() / arg(1).ln(),
            Function::Log => x().ln(),
            Function::Exp => x().exp(),
            Function::Sign => sign(x()),
        };
        Value::Number(number)
    }

    /// `min` or `max`: the first smallest (largest) argument, kept as it is
    /// (a boolean stays a boolean, as in math.js); NaN when any argument is.
    fn extremum(self, args: &[Node], value_of: &dyn Fn(char) -> f64) -> Value {
        let mut best: Option<Value> = None;
        for arg in args {
            let value = arg.eval(value_of);
            let x = value.as_score();
            if x.is_nan() {
                return Value::Number(f64::NAN);
            }
            let better = match best {
                None => true,
                Some(b) if self == Function::Min => x < b.as_score(),
                Some(b) => x > b.as_score(),
            };
            if better {
                best = Some(value);
            }
        }
        best.unwrap_or(Value::Number(f64::NAN))
    }
}

/// math.js `sign`: 1, −1, or the number itself for zero and NaN.
fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        x
    }
}

/// JavaScript's `Math.pow`, which differs from `powf` on NaN exponents and on
/// `(±1)^±∞` (NaN, not 1).
#[allow(clippy::float_cmp)] // exactly ±1
fn pow(x: f64, y: f64) -> f64 {
    if y.is_nan() || (y.is_infinite() && x.abs() == 1.0) {
        f64::NAN
    } else {
        x.powf(y)
    }
}

/// The relative tolerance of math.js comparisons (its `epsilon`).
pub const EPSILON: f64 = 1e-12;

/// math.js `nearlyEqual`: equal, or finite and within [`f64::EPSILON`]
/// absolutely or [`EPSILON`] relatively.
#[allow(clippy::float_cmp)] // equal infinities are equal
fn nearly_equal(x: f64, y: f64) -> bool {
    if x == y {
        return true;
    }
    if !(x.is_finite() && y.is_finite()) {
        return false;
    }
    let diff = (x - y).abs();
    diff < f64::EPSILON || diff <= x.abs().max(y.abs()) * EPSILON
}

/// math.js `mod`: the sign of the divisor, and `x` when the divisor is zero.
fn modulo(x: f64, y: f64) -> f64 {
    if y == 0.0 {
        x
    } else {
        x - y * (x / y).floor()
    }
}

impl CmpOp {
    fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// math.js's comparison: numbers within a relative [`EPSILON`] of each
    /// other are equal (`0.1 + 0.2 == 0.3`); NaN is unequal to everything.
    fn holds(self, x: f64, y: f64) -> bool {
        let near = nearly_equal(x, y);
        match self {
            CmpOp::Eq => near,
            CmpOp::Ne => !near,
            CmpOp::Lt => x < y && !near,
            CmpOp::Le => x <= y || near,
            CmpOp::Gt => x > y && !near,
            CmpOp::Ge => x >= y || near,
        }
    }
}

impl Node {
    fn level(&self) -> u8 {
        match self {
            Node::Conditional(..) => LEVEL_CONDITIONAL,
            Node::Logical(LogicOp::Or, _) => LEVEL_OR,
            Node::Logical(LogicOp::Xor, _) => LEVEL_XOR,
            Node::Logical(LogicOp::And, _) => LEVEL_AND,
            Node::Compare(..) => LEVEL_COMPARE,
            Node::Sum(..) => LEVEL_SUM,
            Node::Product(..) => LEVEL_PRODUCT,
            Node::Unary(..) => LEVEL_UNARY,
            Node::Power(..) => LEVEL_POWER,
            Node::Number(_) | Node::Bool(_) | Node::Variable(_) | Node::Call(..) => LEVEL_PRIMARY,
        }
    }

    fn collect_variables(&self, found: &mut BTreeSet<char>) {
        match self {
            Node::Number(_) | Node::Bool(_) => {}
            Node::Variable(c) => {
                found.insert(*c);
            }
            Node::Unary(_, x) => x.collect_variables(found),
            Node::Power(x, y) => {
                x.collect_variables(found);
                y.collect_variables(found);
            }
            Node::Product(first, rest) => {
                first.collect_variables(found);
                for (_, x) in rest {
                    x.collect_variables(found);
                }
            }
            Node::Sum(first, rest) => {
                first.collect_variables(found);
                for (_, x) in rest {
                    x.collect_variables(found);
                }
            }
            Node::Compare(first, rest) => {
                first.collect_variables(found);
                for (_, x) in rest {
                    x.collect_variables(found);
                }
            }
            Node::Logical(_, xs) | Node::Call(_, xs) => {
                for x in xs {
                    x.collect_variables(found);
                }
            }
            Node::Conditional(c, y, n) => {
                c.collect_variables(found);
                y.collect_variables(found);
                n.collect_variables(found);
            }
        }
    }

    fn eval(&self, value_of: &dyn Fn(char) -> f64) -> Value {
        match self {
            Node::Number(x) => Value::Number(*x),
            Node::Bool(b) => Value::Bool(*b),
            Node::Variable(c) => Value::Number(value_of(*c)),
            Node::Unary(op, x) => {
                let value = x.eval(value_of);
                match op {
                    UnaryOp::Neg => Value::Number(-value.as_score()),
                    UnaryOp::Plus => Value::Number(value.as_score()),
                    UnaryOp::Not => Value::Bool(!value.truthy()),
                }
            }
            Node::Power(x, y) => Value::Number(pow(
                x.eval(value_of).as_score(),
                y.eval(value_of).as_score(),
            )),
            Node::Product(first, rest) => {
                let mut acc = first.eval(value_of).as_score();
                for (op, x) in rest {
                    let y = x.eval(value_of).as_score();
                    acc = match op {
                        MulOp::Mul => acc * y,
                        MulOp::Div => acc / y,
                        MulOp::Mod => modulo(acc, y),
                    };
                }
                Value::Number(acc)
            }
            Node::Sum(first, rest) => {
                let mut acc = first.eval(value_of).as_score();
                for (op, x) in rest {
                    let y = x.eval(value_of).as_score();
                    acc = match op {
                        AddOp::Add => acc + y,
                        AddOp::Sub => acc - y,
                    };
                }
                Value::Number(acc)
            }
            Node::Compare(first, rest) => {
                let mut left = first.eval(value_of).as_score();
                for (op, x) in rest {
                    let right = x.eval(value_of).as_score();
                    if !op.holds(left, right) {
                        return Value::Bool(false);
                    }
                    left = right;
                }
                Value::Bool(true)
            }
            Node::Logical(op, xs) => {
                let mut truths = xs.iter().map(|x| x.eval(value_of).truthy());
                Value::Bool(match op {
                    LogicOp::And => truths.all(|t| t),
                    LogicOp::Or => truths.any(|t| t),
                    LogicOp::Xor => truths.fold(false, |acc, t| acc != t),
                })
            }
            Node::Conditional(c, yes, no) => {
                if c.eval(value_of).truthy() {
                    yes.eval(value_of)
                } else {
                    no.eval(value_of)
                }
            }
            Node::Call(function, args) => function.apply(args, value_of),
        }
    }

    /// Writes `self`, in parentheses when `parens`.
    fn write_operand(&self, f: &mut fmt::Formatter<'_>, parens: bool) -> fmt::Result {
        if parens {
            f.write_str("(")?;
            self.write(f)?;
            f.write_str(")")
        } else {
            self.write(f)
        }
    }

    /// Writes the operands of a chain of level `level`: an operand of the same
    /// or a looser level is put in parentheses.
    fn write_chain<'n, Op: Copy>(
        f: &mut fmt::Formatter<'_>,
        level: u8,
        first: &Node,
        rest: impl IntoIterator<Item = (Op, &'n Node)>,
        symbol: impl Fn(Op) -> &'static str,
    ) -> fmt::Result {
        first.write_operand(f, first.level() <= level)?;
        for (op, x) in rest {
            write!(f, " {} ", symbol(op))?;
            x.write_operand(f, x.level() <= level)?;
        }
        Ok(())
    }

    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Number(x) => write_number(f, *x),
            Node::Bool(b) => write!(f, "{b}"),
            Node::Variable(c) => write!(f, "{c}"),
            Node::Unary(op, x) => {
                f.write_str(match op {
                    UnaryOp::Neg => "-",
                    UnaryOp::Plus => "+",
                    UnaryOp::Not => "not ",
                })?;
                // `- -a` rather than `--a`, which reads as a decrement.
                if *op != UnaryOp::Not
                    && matches!(**x, Node::Unary(UnaryOp::Neg | UnaryOp::Plus, _))
                {
                    f.write_str(" ")?;
                }
                x.write_operand(f, x.level() < LEVEL_UNARY)
            }
            Node::Power(x, y) => {
                x.write_operand(f, x.level() < LEVEL_PRIMARY)?;
                f.write_str("^")?;
                y.write_operand(f, y.level() < LEVEL_UNARY)
            }
            Node::Product(first, rest) => Self::write_chain(
                f,
                LEVEL_PRODUCT,
                first,
                rest.iter().map(|(op, x)| (*op, x)),
                |op| match op {
                    MulOp::Mul => "*",
                    MulOp::Div => "/",
                    MulOp::Mod => "mod",
                },
            ),
            Node::Sum(first, rest) => Self::write_chain(
                f,
                LEVEL_SUM,
                first,
                rest.iter().map(|(op, x)| (*op, x)),
                |op| match op {
                    AddOp::Add => "+",
                    AddOp::Sub => "-",
                },
            ),
            Node::Compare(first, rest) => Self::write_chain(
                f,
                LEVEL_COMPARE,
                first,
                rest.iter().map(|(op, x)| (*op, x)),
                CmpOp::symbol,
            ),
            Node::Logical(op, xs) => {
                let (level, symbol) = match op {
                    LogicOp::Or => (LEVEL_OR, "or"),
                    LogicOp::Xor => (LEVEL_XOR, "xor"),
                    LogicOp::And => (LEVEL_AND, "and"),
                };
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        write!(f, " {symbol} ")?;
                    }
                    x.write_operand(f, x.level() <= level)?;
                }
                Ok(())
            }
            Node::Conditional(c, yes, no) => {
                c.write_operand(f, c.level() <= LEVEL_CONDITIONAL)?;
                f.write_str(" ? ")?;
                // No parentheses are added around a conditional in the middle:
                // the canonical form is never nested deeper than the tree.
                yes.write(f)?;
                f.write_str(" : ")?;
                no.write(f)
            }
            Node::Call(function, args) => {
                write!(f, "{}(", function.name())?;
                for (i, x) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    x.write(f)?;
                }
                f.write_str(")")
            }
        }
    }
}

/// Writes a number literal so that it reads back as the same `f64`.
fn write_number(f: &mut fmt::Formatter<'_>, x: f64) -> fmt::Result {
    if x.is_infinite() {
        // Only a literal too large for f64 (`1e400`) gives one; this reads back
        // as the same infinity.
        f.write_str(if x > 0.0 { "1e999" } else { "-1e999" })
    } else if x != 0.0 && !(1e-7..1e21).contains(&x.abs()) {
        write!(f, "{x:e}")
    } else {
        write!(f, "{x}")
    }
}

// ---------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind<'a> {
    Number(f64),
    Name(&'a str),
    True,
    False,
    And,
    Or,
    Xor,
    Not,
    Mod,
    LParen,
    RParen,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Caret,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Question,
    Colon,
    End,
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: Kind<'a>,
    /// Byte offsets of the token in the text.
    start: usize,
    end: usize,
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// Describes the text at `offset` for an error message.
fn describe_at(src: &str, offset: usize) -> String {
    match src.get(offset..).and_then(|rest| rest.chars().next()) {
        Some(c) => format!("`{c}`"),
        None => "end of expression".to_owned(),
    }
}

struct Lexer<'a> {
    /// The lower-cased text.
    src: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn next_token(&mut self) -> Result<Token<'a>, ParseError> {
        let bytes = self.src.as_bytes();
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(self.pos) {
            self.pos += 1;
        }
        let start = self.pos;
        let Some(&first) = bytes.get(start) else {
            return Ok(Token {
                kind: Kind::End,
                start,
                end: start,
            });
        };
        let second = bytes.get(start + 1).copied();
        let (kind, len) = match (first, second) {
            (b'0'..=b'9', _) | (b'.', Some(b'0'..=b'9')) => return self.number(),
            (b'(', _) => (Kind::LParen, 1),
            (b')', _) => (Kind::RParen, 1),
            (b',', _) => (Kind::Comma, 1),
            (b'+', _) => (Kind::Plus, 1),
            (b'-', _) => (Kind::Minus, 1),
            (b'*', _) => (Kind::Star, 1),
            (b'/', _) => (Kind::Slash, 1),
            (b'%', _) => (Kind::Percent, 1),
            (b'^', _) => (Kind::Caret, 1),
            (b'?', _) => (Kind::Question, 1),
            (b':', _) => (Kind::Colon, 1),
            (b'=', Some(b'=')) => (Kind::Eq, 2),
            (b'!', Some(b'=')) => (Kind::Ne, 2),
            (b'<', Some(b'=')) => (Kind::Le, 2),
            (b'>', Some(b'=')) => (Kind::Ge, 2),
            (b'<', _) => (Kind::Lt, 1),
            (b'>', _) => (Kind::Gt, 1),
            _ => {
                let c = self.src.get(start..).and_then(|rest| rest.chars().next());
                return match c {
                    Some(c) if c.is_alphabetic() || c == '_' || c == '$' => Ok(self.name()),
                    _ => Err(self.unexpected(start)),
                };
            }
        };
        self.pos = start + len;
        Ok(Token {
            kind,
            start,
            end: self.pos,
        })
    }

    #[cold]
    #[inline(never)]
    fn unexpected(&self, offset: usize) -> ParseError {
        let hint = match self.src.as_bytes().get(offset) {
            Some(b'=') => " (write `==` to compare)",
            Some(b'&') => " (write `and`)",
            Some(b'|') => " (write `or`)",
            Some(b'!') => " (write `not`)",
            _ => "",
        };
        ParseError {
            offset,
            message: format!(
                "unexpected character {}{hint}",
                describe_at(self.src, offset)
            ),
        }
    }

    fn name(&mut self) -> Token<'a> {
        let start = self.pos;
        let rest = self.src.get(start..).unwrap_or_default();
        let len = rest
            .char_indices()
            .find(|&(_, c)| !is_name_char(c))
            .map_or(rest.len(), |(i, _)| i);
        let text = rest.get(..len).unwrap_or_default();
        self.pos = start + len;
        let kind = match text {
            "and" => Kind::And,
            "or" => Kind::Or,
            "xor" => Kind::Xor,
            "not" => Kind::Not,
            "mod" => Kind::Mod,
            "true" => Kind::True,
            "false" => Kind::False,
            _ => Kind::Name(text),
        };
        Token {
            kind,
            start,
            end: self.pos,
        }
    }

    /// A number: digits, an optional `.` and digits, an optional exponent.
    fn number(&mut self) -> Result<Token<'a>, ParseError> {
        let bytes = self.src.as_bytes();
        let digits = |mut i: usize| {
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            i
        };
        let start = self.pos;
        let mut end = digits(start);
        if bytes.get(end) == Some(&b'.') {
            end = digits(end + 1);
        }
        if bytes.get(end) == Some(&b'e') {
            match bytes.get(end + 1) {
                Some(b'0'..=b'9') => end = digits(end + 1),
                Some(b'+' | b'-') => {
                    let sign_end = end + 2;
                    if !bytes.get(sign_end).is_some_and(u8::is_ascii_digit) {
                        return Err(ParseError {
                            offset: sign_end,
                            message: format!(
                                "expected a digit in the exponent of `{}`, found {}",
                                self.src.get(start..sign_end).unwrap_or_default(),
                                describe_at(self.src, sign_end)
                            ),
                        });
                    }
                    end = digits(sign_end);
                }
                // `2e`: the number ends before the `e`.
                _ => {}
            }
        }
        let text = self.src.get(start..end).unwrap_or_default();
        let value = text.parse::<f64>().map_err(|_| ParseError {
            offset: start,
            message: format!("invalid number `{text}`"),
        })?;
        self.pos = end;
        Ok(Token {
            kind: Kind::Number(value),
            start,
            end,
        })
    }
}

// ---------------------------------------------------------------------------
// The parser

struct Parser<'a> {
    src: &'a str,
    lexer: Lexer<'a>,
    /// The current token, not consumed yet.
    tok: Token<'a>,
    /// The last consumed token.
    prev: Option<Token<'a>>,
    depth: usize,
}

const OPERAND: &str = "a number, variable, function or `(`";

/// The parser is a recursive descent whose recursion [`MAX_DEPTH`] bounds.
/// The functions on the recursive path keep small stack frames: the text of
/// an error is built in separate cold functions.
impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Result<Self, ParseError> {
        let mut lexer = Lexer { src, pos: 0 };
        let tok = lexer.next_token()?;
        Ok(Parser {
            src,
            lexer,
            tok,
            prev: None,
            depth: 0,
        })
    }

    #[inline(never)]
    fn advance(&mut self) -> Result<(), ParseError> {
        self.prev = Some(self.tok);
        self.tok = self.lexer.next_token()?;
        Ok(())
    }

    fn describe(&self, tok: Token<'_>) -> String {
        if tok.kind == Kind::End {
            "end of expression".to_owned()
        } else {
            format!("`{}`", self.src.get(tok.start..tok.end).unwrap_or_default())
        }
    }

    /// "expected {what}, found …" at the current token.
    #[cold]
    #[inline(never)]
    fn expected(&self, what: &str) -> ParseError {
        ParseError::at(
            self.tok.start,
            format!("expected {what}, found {}", self.describe(self.tok)),
        )
    }

    #[cold]
    #[inline(never)]
    fn unclosed(&self, open: usize) -> ParseError {
        self.expected(&format!("`)` to close the `(` opened at offset {open}"))
    }

    #[cold]
    #[inline(never)]
    fn bad_arguments(&self, function: Function) -> ParseError {
        self.expected(&format!(
            "`,` or `)` in the arguments of `{}`",
            function.name()
        ))
    }

    /// No operand where one must be.
    #[cold]
    #[inline(never)]
    fn missing_operand(&self) -> ParseError {
        match self.prev {
            Some(prev) => self.expected(&format!("{OPERAND} after {}", self.describe(prev))),
            None => self.expected(OPERAND),
        }
    }

    /// An operand right after an operand.
    #[cold]
    #[inline(never)]
    fn missing_operator(&self) -> ParseError {
        let hint = if self.tok.kind == Kind::Not {
            ""
        } else {
            " (implicit multiplication is not supported: write `*`)"
        };
        let after = self
            .prev
            .map_or_else(|| "the operand".to_owned(), |t| self.describe(t));
        ParseError::at(
            self.tok.start,
            format!(
                "expected an operator after {after}, found {}{hint}",
                self.describe(self.tok)
            ),
        )
    }

    /// A name that is neither a variable nor a function call; the current
    /// token is the name.
    #[cold]
    #[inline(never)]
    fn bad_name(&mut self, name: &str, function: Option<Function>, call: bool) -> ParseError {
        let offset = self.tok.start;
        if function.is_some() {
            return match self.advance() {
                Ok(()) => self.expected(&format!("`(` after the function `{name}`")),
                Err(e) => e,
            };
        }
        let message = if call {
            let names = FUNCTIONS.map(Function::name).join(", ");
            format!("unknown function `{name}`: the functions are {names}")
        } else {
            format!("unknown name `{name}`: a variable is a single letter `a` to `z`")
        };
        ParseError::at(offset, message)
    }

    /// Opens a nesting level at the current token.
    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn too_deep(&self) -> ParseError {
        ParseError::at(
            self.tok.start,
            format!("expected at most {MAX_DEPTH} levels of nesting, found more"),
        )
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// `cond ? x : y`, right-associative; the loosest level.
    fn conditional(&mut self) -> Result<Node, ParseError> {
        let condition = self.or()?;
        if self.tok.kind != Kind::Question {
            return Ok(condition);
        }
        self.enter()?;
        self.advance()?;
        let yes = self.conditional()?;
        if self.tok.kind != Kind::Colon {
            return Err(self.expected("`:` of the conditional"));
        }
        self.advance()?;
        let no = self.conditional()?;
        self.leave();
        Ok(Node::Conditional(
            Box::new(condition),
            Box::new(yes),
            Box::new(no),
        ))
    }

    fn or(&mut self) -> Result<Node, ParseError> {
        self.logical(LogicOp::Or, Kind::Or, Self::xor)
    }

    fn xor(&mut self) -> Result<Node, ParseError> {
        self.logical(LogicOp::Xor, Kind::Xor, Self::and)
    }

    fn and(&mut self) -> Result<Node, ParseError> {
        self.logical(LogicOp::And, Kind::And, Self::relational)
    }

    fn logical(
        &mut self,
        op: LogicOp,
        kind: Kind<'_>,
        operand: fn(&mut Self) -> Result<Node, ParseError>,
    ) -> Result<Node, ParseError> {
        let first = operand(self)?;
        if self.tok.kind != kind {
            return Ok(first);
        }
        let mut operands = vec![first];
        while self.tok.kind == kind {
            self.advance()?;
            operands.push(operand(self)?);
        }
        Ok(Node::Logical(op, operands))
    }

    /// Comparisons; a chain `a < b <= c` is one node, as in math.js.
    fn relational(&mut self) -> Result<Node, ParseError> {
        self.chain(
            Self::additive,
            |kind| match kind {
                Kind::Eq => Some(CmpOp::Eq),
                Kind::Ne => Some(CmpOp::Ne),
                Kind::Lt => Some(CmpOp::Lt),
                Kind::Le => Some(CmpOp::Le),
                Kind::Gt => Some(CmpOp::Gt),
                Kind::Ge => Some(CmpOp::Ge),
                _ => None,
            },
            Node::Compare,
        )
    }

    fn additive(&mut self) -> Result<Node, ParseError> {
        self.chain(
            Self::multiplicative,
            |kind| match kind {
                Kind::Plus => Some(AddOp::Add),
                Kind::Minus => Some(AddOp::Sub),
                _ => None,
            },
            Node::Sum,
        )
    }

    fn multiplicative(&mut self) -> Result<Node, ParseError> {
        self.chain(
            Self::unary,
            |kind| match kind {
                Kind::Star => Some(MulOp::Mul),
                Kind::Slash => Some(MulOp::Div),
                Kind::Percent | Kind::Mod => Some(MulOp::Mod),
                _ => None,
            },
            Node::Product,
        )
    }

    /// `operand (op operand)*`, kept flat: the first operand and the
    /// (operator, operand) pairs after it, or the operand alone.
    fn chain<Op>(
        &mut self,
        operand: fn(&mut Self) -> Result<Node, ParseError>,
        op_of: fn(&Kind<'_>) -> Option<Op>,
        make: fn(Box<Node>, Vec<(Op, Node)>) -> Node,
    ) -> Result<Node, ParseError> {
        let first = operand(self)?;
        let mut rest = Vec::new();
        while let Some(op) = op_of(&self.tok.kind) {
            self.advance()?;
            rest.push((op, operand(self)?));
        }
        Ok(if rest.is_empty() {
            first
        } else {
            make(Box::new(first), rest)
        })
    }

    /// Prefix `-`, `+` and `not`; their operand may itself be prefixed.
    fn unary(&mut self) -> Result<Node, ParseError> {
        let op = match self.tok.kind {
            Kind::Minus => UnaryOp::Neg,
            Kind::Plus => UnaryOp::Plus,
            Kind::Not => UnaryOp::Not,
            _ => return self.power(),
        };
        self.enter()?;
        self.advance()?;
        let operand = self.unary()?;
        self.leave();
        Ok(Node::Unary(op, Box::new(operand)))
    }

    /// `x ^ y`: the exponent is a unary expression (`2^-1`), which makes `^`
    /// right-associative.
    fn power(&mut self) -> Result<Node, ParseError> {
        let base = self.primary()?;
        // Another operand right after one is where math.js would multiply
        // implicitly (`2a`, `(a)(b)`): not supported here.
        if let Kind::Number(_)
        | Kind::Name(_)
        | Kind::True
        | Kind::False
        | Kind::LParen
        | Kind::Not = self.tok.kind
        {
            return Err(self.missing_operator());
        }
        if self.tok.kind != Kind::Caret {
            return Ok(base);
        }
        self.enter()?;
        self.advance()?;
        let exponent = self.unary()?;
        self.leave();
        Ok(Node::Power(Box::new(base), Box::new(exponent)))
    }

    /// Whether the text after the current token starts with `(`.
    fn paren_follows(&self) -> bool {
        self.src.get(self.tok.end..).is_some_and(|rest| {
            rest.trim_start_matches([' ', '\t', '\n', '\r'])
                .starts_with('(')
        })
    }

    fn primary(&mut self) -> Result<Node, ParseError> {
        let tok = self.tok;
        match tok.kind {
            Kind::Number(x) => {
                self.advance()?;
                Ok(Node::Number(x))
            }
            Kind::True | Kind::False => {
                self.advance()?;
                Ok(Node::Bool(tok.kind == Kind::True))
            }
            Kind::Name(name) => self.name(name),
            Kind::LParen => {
                self.enter()?;
                self.advance()?;
                let inner = self.conditional()?;
                if self.tok.kind != Kind::RParen {
                    return Err(self.unclosed(tok.start));
                }
                self.advance()?;
                self.leave();
                Ok(inner)
            }
            _ => Err(self.missing_operand()),
        }
    }

    /// A variable or a function call; the current token is the name.
    fn name(&mut self, name: &str) -> Result<Node, ParseError> {
        let mut chars = name.chars();
        let variable = match (chars.next(), chars.next()) {
            (Some(c @ 'a'..='z'), None) => Some(c),
            _ => None,
        };
        let function = Function::from_name(name);
        let call = self.paren_follows();
        if let (Some(function), true) = (function, call) {
            let start = self.tok.start;
            self.advance()?;
            return self.call(function, start);
        }
        if let Some(c) = variable {
            // `a(…)` is refused as an implicit multiplication.
            self.advance()?;
            return Ok(Node::Variable(c));
        }
        Err(self.bad_name(name, function, call))
    }

    /// The arguments of a call; the current token is `(`, the name of the
    /// function is at `start`.
    fn call(&mut self, function: Function, start: usize) -> Result<Node, ParseError> {
        self.enter()?;
        self.advance()?;
        let mut args = Vec::new();
        if self.tok.kind == Kind::RParen {
            self.advance()?;
        } else {
            loop {
                args.push(self.conditional()?);
                match self.tok.kind {
                    Kind::Comma => self.advance()?,
                    Kind::RParen => {
                        self.advance()?;
                        break;
                    }
                    _ => return Err(self.bad_arguments(function)),
                }
            }
        }
        self.leave();
        if !function.takes(args.len()) {
            return Err(ParseError::at(start, function.arity_error(args.len())));
        }
        Ok(Node::Call(function, args))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Expression {
        match Expression::parse(text) {
            Ok(e) => e,
            Err(e) => panic!("`{text}` does not parse: {e}"),
        }
    }

    /// Evaluates with `a`, `b`, `c`, … taking the values of `vars` in order
    /// (0 past the end).
    fn eval_with(text: &str, vars: &[f64]) -> Value {
        let expr = parse(text);
        let value = expr.evaluate(|v| {
            let i = u32::from(v).wrapping_sub(u32::from('a')) as usize;
            vars.get(i).copied().unwrap_or(0.0)
        });
        match value {
            Ok(v) => v,
            Err(e) => panic!("`{text}` does not evaluate: {e}"),
        }
    }

    fn num(text: &str, vars: &[f64]) -> f64 {
        match eval_with(text, vars) {
            Value::Number(x) => x,
            Value::Bool(b) => panic!("`{text}` is the boolean {b}, not a number"),
        }
    }

    fn boolean(text: &str, vars: &[f64]) -> bool {
        match eval_with(text, vars) {
            Value::Bool(b) => b,
            Value::Number(x) => panic!("`{text}` is the number {x}, not a boolean"),
        }
    }

    fn error(text: &str) -> (usize, String) {
        match Expression::parse(text) {
            Ok(e) => panic!("`{text}` parsed as `{e}`"),
            Err(ParseError { offset, message }) => (offset, message),
        }
    }

    #[test]
    #[allow(clippy::float_cmp)]
    fn precedence_table() {
        assert_eq!(num("1+2*3", &[]), 7.0);
        assert_eq!(num("(1+2)*3", &[]), 9.0);
        assert_eq!(num("-2^2", &[]), -4.0);
        assert_eq!(num("(-2)^2", &[]), 4.0);
        assert_eq!(num("2^3^2", &[]), 512.0);
        assert_eq!(num("2^-1", &[]), 0.5);
        assert_eq!(num("-2^-2", &[]), -0.25);
        assert_eq!(num("10-4-3", &[]), 3.0);
        assert_eq!(num("100/10/5", &[]), 2.0);
        assert_eq!(num("2*3 mod 4", &[]), 2.0);
        assert_eq!(num("1 + 7 % 4 * 2", &[]), 7.0);
        assert_eq!(num("--3", &[]), 3.0);
        assert_eq!(num("+-3", &[]), -3.0);
        assert_eq!(num("a > b ? 25 : 10", &[3.0, 1.0]), 25.0);
        assert_eq!(num("a > b ? 25 : 10", &[1.0, 3.0]), 10.0);
        assert_eq!(num("a ? 1 : b ? 2 : 3", &[0.0, 5.0]), 2.0);
        assert_eq!(num("a ? b ? 1 : 2 : 3", &[1.0, 0.0]), 2.0);
        assert_eq!(num("1 or 0 ? 7 : 8", &[]), 7.0);
        assert!(boolean("a and not b", &[1.0, 0.0]));
        assert!(!boolean("a and not b", &[1.0, 2.0]));
        assert!(!boolean("a and not b", &[0.0, 0.0]));
        assert!(boolean("a xor b", &[1.0, 0.0]));
        assert!(!boolean("a xor b", &[1.0, 1.0]));
        assert!(!boolean("a xor b", &[0.0, 0.0]));
        assert!(boolean("1 xor 1 xor 1", &[]));
        // `and` binds tighter than `xor`, tighter than `or`.
        assert!(boolean("1 or 1 and 0", &[]));
        assert!(boolean("1 xor 0 and 0", &[]));
        assert!(!boolean("1 xor 1 or 0", &[]));
        assert!(boolean("not 0 == 1", &[]));
        assert!(boolean("1 + 1 == 2", &[]));
        assert!(boolean("1 < 2 < 3", &[]));
        assert!(boolean("3 > 2 > 1 == 1", &[]));
        assert!(!boolean("(3 > 2) > 1", &[]));
        assert_eq!(num("5 mod 3", &[]), 2.0);
        assert_eq!(num("-5 mod 3", &[]), 1.0);
        assert_eq!(num("5 mod -3", &[]), -1.0);
        assert_eq!(num("-5 % 3", &[]), 1.0);
        assert_eq!(num("5.5 % 2", &[]), 1.5);
        assert_eq!(num("5 mod 0", &[]), 5.0);
        assert_eq!(num("min(a,b,c)", &[4.0, 2.0, 3.0]), 2.0);
        assert_eq!(num("max(a,b,c)", &[4.0, 2.0, 3.0]), 4.0);
        assert_eq!(num("min(7)", &[]), 7.0);
        assert_eq!(num("round(2.5)", &[]), 3.0);
        assert_eq!(num("round(-2.5)", &[]), -3.0);
        assert_eq!(num("round(2.4)", &[]), 2.0);
        assert_eq!(num("floor(-1.5)", &[]), -2.0);
        assert_eq!(num("ceil(1.2)", &[]), 2.0);
        assert_eq!(num("abs(-3)", &[]), 3.0);
        assert_eq!(num("sqrt(16)", &[]), 4.0);
        assert_eq!(num("log(1)", &[]), 0.0);
        assert_eq!(num("log(8, 2)", &[]), 3.0);
        assert_eq!(num("exp(0)", &[]), 1.0);
        assert_eq!(num("sign(-4)", &[]), -1.0);
        assert_eq!(num("sign(0)", &[]), 0.0);
        assert_eq!(num("sign(a)", &[2.0]), 1.0);
        assert_eq!(num("12", &[]), 12.0);
        assert_eq!(num("0.5", &[]), 0.5);
        assert_eq!(num(".5", &[]), 0.5);
        assert_eq!(num("1e3", &[]), 1000.0);
        assert_eq!(num("2.5E-2", &[]), 0.025);
        assert_eq!(num("2.5e+2", &[]), 250.0);
        assert_eq!(num("1.", &[]), 1.0);
    }

    #[test]
    #[allow(clippy::float_cmp)]
    fn booleans_are_numbers_and_numbers_are_conditions() {
        assert_eq!(num("(a>1)+(b>1)", &[2.0, 3.0]), 2.0);
        assert_eq!(num("(a>1)+(b>1)", &[2.0, 0.0]), 1.0);
        assert_eq!(num("true + true", &[]), 2.0);
        assert_eq!(num("-true", &[]), -1.0);
        assert_eq!(num("false * 5", &[]), 0.0);
        assert_eq!(num("a ? 1 : 2", &[0.5]), 1.0);
        assert!(boolean("not 0", &[]));
        assert!(!boolean("not 2", &[]));
        assert!(boolean("true == 1", &[]));
        assert!(boolean("0/0 < 1 or not (0/0)", &[]));
        assert_eq!(eval_with("true", &[]), Value::Bool(true));
        assert_eq!(eval_with("min(false, 2)", &[]), Value::Bool(false));
        assert_eq!(eval_with("a > 1", &[2.0]).as_score(), 1.0);
        assert_eq!(eval_with("a > 1", &[0.0]).as_score(), 0.0);
        assert_eq!(Value::Number(2.5).as_score(), 2.5);
        // A non-finite value that does not reach the result is fine.
        assert!(boolean("1 / a > 5", &[0.0]));
    }

    #[test]
    fn comparisons_tolerate_rounding_as_math_js_does() {
        assert!(boolean("0.1 + 0.2 == 0.3", &[]));
        assert!(!boolean("0.1 + 0.2 != 0.3", &[]));
        assert!(!boolean("0.1 + 0.2 > 0.3", &[]));
        assert!(boolean("0.1 + 0.2 >= 0.3", &[]));
        assert!(boolean("0.3 <= 0.1 + 0.2", &[]));
        assert!(!boolean("0.3 < 0.1 + 0.2", &[]));
        // Beyond the relative 1e-12: different.
        assert!(boolean("1 + 1e-9 > 1", &[]));
        assert!(!boolean("a == b", &[1e6, 1e6 + 1e-5]));
        assert!(boolean("a == b", &[1e6, 1e6 + 1e-7]));
        // Tiny numbers: within the absolute double epsilon.
        assert!(boolean("1e-17 == 0", &[]));
        assert!(!boolean("1e-10 == 0", &[]));
        // NaN equals nothing; infinities equal themselves.
        assert!(!boolean("0/0 == 0/0", &[]));
        assert!(boolean("0/0 != 0/0", &[]));
        assert!(boolean("a == a", &[f64::INFINITY]));
        assert!(!boolean("a == -a", &[f64::INFINITY]));
    }

    #[test]
    #[allow(clippy::float_cmp)]
    fn navigator_typical_expressions() {
        assert_eq!(num("a+b", &[2.0, 3.0]), 5.0);
        assert_eq!(num("(a+b)/2", &[2.0, 3.0]), 2.5);
        assert_eq!(num("a*b", &[2.0, 3.0]), 6.0);
        assert_eq!(num("a-b", &[2.0, 3.0]), -1.0);
        assert!(boolean("a>0 and b==0", &[1.0, 0.0]));
        assert!(!boolean("a>0 and b==0", &[1.0, 1.0]));
        assert_eq!(num("(a+b+c)/3", &[1.0, 2.0, 6.0]), 3.0);
        assert_eq!(num("a * 100 / max(b, 1)", &[3.0, 4.0]), 75.0);
        assert_eq!(num("50", &[]), 50.0);
    }

    #[test]
    #[allow(clippy::float_cmp)]
    fn case_insensitive() {
        assert_eq!(num("A+B", &[2.0, 3.0]), 5.0);
        assert_eq!(num("MAX(A, B) MOD 3", &[2.0, 7.0]), 1.0);
        assert!(boolean("A AND NOT B or FALSE", &[1.0, 0.0]));
        assert_eq!(parse("A+B"), parse("a+b"));
        assert_eq!(parse("1E3"), parse("1e3"));
        assert_eq!(parse("A+B").to_string(), "a + b");
    }

    #[test]
    fn variables_and_constants() {
        assert_eq!(parse("c + a * a").variables(), vec!['a', 'c']);
        assert_eq!(
            parse("min(z, b, max(y, 1))").variables(),
            vec!['b', 'y', 'z']
        );
        assert_eq!(parse("x ? 1 : -q^w").variables(), vec!['q', 'w', 'x']);
        assert!(parse("1 + 2").variables().is_empty());
        assert!(parse("1 + 2").is_constant());
        assert!(parse("true or round(3.5) > 1").is_constant());
        assert!(!parse("a").is_constant());
        assert!(!parse("1 + abs(b)").is_constant());
    }

    #[test]
    fn display() {
        let cases = [
            ("a+b", "a + b"),
            ("(a+b)/2", "(a + b) / 2"),
            ("a-(b-c)", "a - (b - c)"),
            ("(a-b)-c", "(a - b) - c"),
            ("a-b-c", "a - b - c"),
            ("-2^2", "-2^2"),
            ("(-2)^2", "(-2)^2"),
            ("2^3^2", "2^3^2"),
            ("(2^3)^2", "(2^3)^2"),
            ("2^-1", "2^-1"),
            ("--a", "- -a"),
            ("-(+a)", "- +a"),
            ("not not a", "not not a"),
            ("-(not a)", "-not a"),
            ("not(a>b)", "not (a > b)"),
            ("a%b", "a mod b"),
            ("a<b<c", "a < b < c"),
            ("(a<b)<c", "(a < b) < c"),
            ("a?b:c?d:e", "a ? b : c ? d : e"),
            ("a?(b?c:d):e", "a ? b ? c : d : e"),
            ("(a?b:c)?d:e", "(a ? b : c) ? d : e"),
            ("a and b or c", "a and b or c"),
            ("a and (b or c)", "a and (b or c)"),
            ("MIN( a ,B,1 )", "min(a, b, 1)"),
            ("TRUE", "true"),
            ("1e21", "1e21"),
            ("0.000000015", "1.5e-8"),
            ("1e400", "1e999"),
            ("2.50", "2.5"),
        ];
        for (text, shown) in cases {
            assert_eq!(parse(text).to_string(), shown, "{text}");
        }
    }

    #[test]
    fn display_round_trip() {
        let texts = [
            "a+b",
            "(a+b)/2",
            "a*b",
            "a-b",
            "a>0 and b==0",
            "1+2*3",
            "-2^2",
            "(-2)^2",
            "2^3^2",
            "(2^3)^2",
            "2^-1^2",
            "-(a+b)*c",
            "a-(b-c)-(d+e)",
            "(a-b)-c",
            "(a*b)*c / (d mod e) % f",
            "a > b ? 25 : 10",
            "a ? b ? 1 : 2 : c ? 3 : 4",
            "(a ? 1 : 2) ? 3 : 4",
            "a and not b",
            "not not a",
            "a xor b or c and d",
            "(a or b) and (c xor d)",
            "a < b <= c",
            "(a < b) == (c > d)",
            "a == b != c",
            "min(a, b, c) + max(1, abs(-b))",
            "round(a / 3) * floor(b) - ceil(c)",
            "log(a) + log(a, 2) + exp(sqrt(b)) + sign(c)",
            "(a>1)+(b>1)",
            "-a^-b^+c",
            "true and false or 1e-9 < 1e300",
            "+a - -b",
            "0.1 + .25 + 3e-7 + 123456789012345680000000",
            "((((a))))",
            "min((a ? b : c), d)",
            "1e400 - a",
        ];
        for text in texts {
            let expr = parse(text);
            let shown = expr.to_string();
            let again = parse(&shown);
            assert_eq!(again, expr, "`{text}` shown as `{shown}`");
            assert_eq!(again.to_string(), shown, "`{text}`");
            let from_str: Expression = match shown.parse() {
                Ok(e) => e,
                Err(e) => panic!("{e}"),
            };
            assert_eq!(from_str, expr);
        }
    }

    #[test]
    fn error_messages() {
        let cases = [
            ("", 0, "expected an expression, found nothing"),
            ("   ", 3, "expected an expression, found nothing"),
            (
                "a+",
                2,
                "expected a number, variable, function or `(` after `+`, found end of expression",
            ),
            (
                "*a",
                0,
                "expected a number, variable, function or `(`, found `*`",
            ),
            (
                "(a",
                2,
                "expected `)` to close the `(` opened at offset 0, found end of expression",
            ),
            (
                "a)",
                1,
                "expected an operator or the end of the expression, found `)`",
            ),
            (
                "ab",
                0,
                "unknown name `ab`: a variable is a single letter `a` to `z`",
            ),
            (
                "a + Pi",
                4,
                "unknown name `pi`: a variable is a single letter `a` to `z`",
            ),
            (
                "2a",
                1,
                "expected an operator after `2`, found `a` \
                 (implicit multiplication is not supported: write `*`)",
            ),
            (
                "(a)(b)",
                3,
                "expected an operator after `)`, found `(` \
                 (implicit multiplication is not supported: write `*`)",
            ),
            (
                "a(1)",
                1,
                "expected an operator after `a`, found `(` \
                 (implicit multiplication is not supported: write `*`)",
            ),
            ("a not b", 2, "expected an operator after `a`, found `not`"),
            (
                "a ? 1",
                5,
                "expected `:` of the conditional, found end of expression",
            ),
            (
                "b > 1 ? 10 20",
                11,
                "expected an operator after `10`, found `20` \
                 (implicit multiplication is not supported: write `*`)",
            ),
            (
                "a ? 1 : ",
                8,
                "expected a number, variable, function or `(` after `:`, found end of expression",
            ),
        ];
        for (text, offset, message) in cases {
            assert_eq!(error(text), (offset, message.to_owned()), "`{text}`");
        }
        let err = Expression::parse("a ? 1").err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("expected `:` of the conditional, found end of expression at offset 5")
        );
    }

    #[test]
    fn call_error_messages() {
        let cases = [
            (
                "foo(1)",
                0,
                "unknown function `foo`: the functions are \
                 min, max, abs, round, floor, ceil, sqrt, log, exp, sign",
            ),
            ("min()", 0, "`min` needs at least one argument"),
            ("MAX( )", 0, "`max` needs at least one argument"),
            ("abs(1, 2)", 0, "`abs` takes exactly one argument, found 2"),
            (
                "1 + round()",
                4,
                "`round` takes exactly one argument, found 0",
            ),
            (
                "log(1, 2, 3)",
                0,
                "`log` takes one or two arguments (`log(x)` or `log(x, base)`), found 3",
            ),
            (
                "min + 1",
                4,
                "expected `(` after the function `min`, found `+`",
            ),
            (
                "min(a",
                5,
                "expected `,` or `)` in the arguments of `min`, found end of expression",
            ),
            (
                "min(a,)",
                6,
                "expected a number, variable, function or `(` after `,`, found `)`",
            ),
            (
                "1e+",
                3,
                "expected a digit in the exponent of `1e+`, found end of expression",
            ),
        ];
        for (text, offset, message) in cases {
            assert_eq!(error(text), (offset, message.to_owned()), "`{text}`");
        }
    }

    #[test]
    fn lexical_error_messages() {
        let cases = [
            (
                "a = 1",
                2,
                "unexpected character `=` (write `==` to compare)",
            ),
            ("a && b", 2, "unexpected character `&` (write `and`)"),
            ("a || b", 2, "unexpected character `|` (write `or`)"),
            ("!a", 0, "unexpected character `!` (write `not`)"),
            ("a # b", 2, "unexpected character `#`"),
            ("a + .", 4, "unexpected character `.`"),
            (
                "é",
                0,
                "unknown name `é`: a variable is a single letter `a` to `z`",
            ),
            (
                "a : b",
                2,
                "expected an operator or the end of the expression, found `:`",
            ),
        ];
        for (text, offset, message) in cases {
            assert_eq!(error(text), (offset, message.to_owned()), "`{text}`");
        }
    }

    #[test]
    fn nesting_limit() {
        let ok = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(parse(&ok), parse("a"));
        let deep = format!("{}a{}", "(".repeat(65), ")".repeat(65));
        assert_eq!(
            error(&deep),
            (
                64,
                "expected at most 64 levels of nesting, found more".to_owned()
            )
        );
        // Unclosed, and far deeper: the limit stops it before the recursion.
        let (offset, _) = error(&"(".repeat(9_000));
        assert_eq!(offset, 64);
        let (offset, _) = error(&"-".repeat(9_000));
        assert_eq!(offset, 64);
        let (offset, _) = error(&format!("{}2", "2^".repeat(4_000)));
        assert_eq!(offset, 129);
        let (offset, _) = error(&format!("{}0", "1?2:".repeat(2_000)));
        assert_eq!(offset, 257);
        let (offset, _) = error(&format!("{}1", "min(".repeat(2_000)));
        assert_eq!(offset, 259);
    }

    #[test]
    #[allow(clippy::float_cmp)]
    fn deepest_tree_fits_in_a_small_stack() {
        // Every level of nesting holds a node of each precedence level; 1 MiB
        // is half of a spawned thread's default stack, and several times what
        // an unoptimised build needs.
        let worker = std::thread::Builder::new().stack_size(1 << 20).spawn(|| {
            let level = "(1 or 1 xor 1 and 1 < 1 + 1 * min(-";
            let depth = MAX_DEPTH / 3;
            let text = format!("{}1{}", level.repeat(depth), "))".repeat(depth));
            let expr = parse(&text);
            assert_eq!(eval_with(&text, &[]), Value::Bool(true));
            assert_eq!(parse(&expr.to_string()), expr);
            let half = MAX_DEPTH / 2;
            let text = format!("{}a{}", "min(-".repeat(half), ")".repeat(half));
            assert_eq!(num(&text, &[2.0]), 2.0);
            let (offset, _) = error(&"((-".repeat(3_000));
            assert_eq!(offset, 64);
        });
        assert!(matches!(
            worker.map(std::thread::JoinHandle::join),
            Ok(Ok(()))
        ));
    }

    #[test]
    #[allow(clippy::float_cmp)]
    fn long_flat_chains_are_not_deep() {
        let sum = vec!["a"; 4_000].join("+");
        assert!(sum.len() <= MAX_LENGTH);
        assert_eq!(num(&sum, &[1.0]), 4_000.0);
        let sum = vec!["a"; 2_000].join("-");
        assert_eq!(num(&sum, &[1.0]), -1_998.0);
        assert_eq!(parse(&parse(&sum).to_string()), parse(&sum));
        let args = vec!["b"; 4_000].join(",");
        assert_eq!(num(&format!("max({args})"), &[0.0, 3.0]), 3.0);
    }

    #[test]
    fn length_limit() {
        let long = format!("1{}", " ".repeat(MAX_LENGTH));
        assert_eq!(
            error(&long),
            (
                MAX_LENGTH,
                "the expression is 10001 bytes long, expected at most 10000".to_owned()
            )
        );
        let fits = format!("1{}", " ".repeat(MAX_LENGTH - 1));
        assert!(Expression::parse(&fits).is_ok());
    }

    #[test]
    fn not_a_number() {
        let expr = parse("a/b");
        assert_eq!(
            expr.evaluate(|v| if v == 'a' { 1.0 } else { 0.0 }),
            Err(EvalError::NotANumber {
                expression: "a / b".to_owned()
            })
        );
        for text in [
            "0/0",
            "1/0",
            "-1/0",
            "sqrt(-1)",
            "log(0)",
            "log(-1)",
            "1e400",
            "min(1, 0/0)",
        ] {
            assert!(
                matches!(
                    parse(text).evaluate(|_| 0.0),
                    Err(EvalError::NotANumber { .. })
                ),
                "{text}"
            );
        }
        assert!(matches!(
            parse("a").evaluate(|_| f64::NAN),
            Err(EvalError::NotANumber { .. })
        ));
        assert_eq!(
            EvalError::NotANumber {
                expression: "a / b".to_owned()
            }
            .to_string(),
            "`a / b` does not evaluate to a finite number"
        );
        // A boolean result is always a score.
        assert_eq!(
            parse("0/0 == 0/0").evaluate(|_| 0.0),
            Ok(Value::Bool(false))
        );
    }

    /// A small generator of token soup: every text either parses and shows
    /// back as the same tree, or is refused with an offset inside it.
    #[test]
    fn generated_texts_never_panic_and_round_trip() {
        const PIECES: [&str; 34] = [
            "a", "b", "z", "1", "2.5", ".5", "1e3", "0", "true", "false", "(", ")", "(", ")", "+",
            "-", "*", "/", "%", " mod ", "^", "==", "!=", "<", "<=", ">", ">=", " and ", " or ",
            " xor ", " not ", "?", ":", "min(",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut parsed = 0;
        for _ in 0..20_000 {
            let len = next() % 12 + 1;
            let text: String = (0..len)
                .map(|_| PIECES.get((next() % 34) as usize).copied().unwrap_or(","))
                .collect();
            match Expression::parse(&text) {
                Ok(expr) => {
                    parsed += 1;
                    assert_eq!(parse(&expr.to_string()), expr, "`{text}`");
                    let _ = expr.evaluate(|v| f64::from(u32::from(v) % 3));
                }
                Err(e) => assert!(e.offset <= text.len(), "`{text}`: {e}"),
            }
        }
        assert!(parsed > 500, "only {parsed} generated texts parsed");
    }
}
