//! The comparison level of the parser: property tests, object paths,
//! constants and sets (inside `[` `]`).

use super::ast::{
    Comparison, ComparisonExpr, Literal, ObjectPath, PathStep, Predicate, Span, TimestampLiteral,
};
use super::error::{ErrorKind, PatternError};
use super::lexer::{Keyword, Tok};
use super::parser::Parser;

const OPERATORS: &str =
    "an operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET)";

impl Parser {
    pub(super) fn cmp_or(&mut self) -> Result<ComparisonExpr, PatternError> {
        self.chain(Keyword::Or, Parser::cmp_and, ComparisonExpr::Or)
    }

    fn cmp_and(&mut self) -> Result<ComparisonExpr, PatternError> {
        self.chain(Keyword::And, Parser::prop_test, ComparisonExpr::And)
    }

    fn prop_test(&mut self) -> Result<ComparisonExpr, PatternError> {
        let start = self.cur.start;
        let lowercase = matches!(&self.cur.tok, Tok::Ident { text, .. }
            if text.eq_ignore_ascii_case("not") || text.eq_ignore_ascii_case("exists"));
        if lowercase && !self.lexer_peek_is(&Tok::Colon) {
            return Err(self.fail("a comparison", &[Keyword::Not, Keyword::Exists]));
        }
        match self.cur.tok {
            Tok::LParen => {
                self.enter()?;
                self.advance()?;
                let inner = self.cmp_or()?;
                self.expect(
                    &Tok::RParen,
                    "`AND`, `OR` or `)`",
                    &[Keyword::And, Keyword::Or],
                )?;
                self.depth -= 1;
                return Ok(inner);
            }
            Tok::Keyword(Keyword::Not | Keyword::Exists) => {
                let negated = self.is_kw(Keyword::Not);
                if negated {
                    self.advance()?;
                }
                self.expect(
                    &Tok::Keyword(Keyword::Exists),
                    "`EXISTS`",
                    &[Keyword::Exists],
                )?;
                let path = self.path()?;
                return Ok(ComparisonExpr::Comparison(Comparison {
                    value_span: path.span,
                    span: Span::new(start, self.last_end),
                    path,
                    negated,
                    predicate: Predicate::Exists,
                }));
            }
            Tok::Ident { .. } => {}
            _ => {
                return Err(self.fail(
                    "a comparison (an object path such as `file:name`), `(` or `EXISTS`",
                    &[Keyword::Not, Keyword::Exists],
                ))
            }
        }
        let path = self.path()?;
        let negated = self.is_kw(Keyword::Not);
        if negated {
            self.advance()?;
        }
        let op = match self.cur.tok {
            Tok::Eq => Tok::Eq,
            Tok::Ne => Tok::Ne,
            Tok::Lt => Tok::Lt,
            Tok::Le => Tok::Le,
            Tok::Gt => Tok::Gt,
            Tok::Ge => Tok::Ge,
            Tok::Keyword(k) => Tok::Keyword(k),
            _ => Tok::Eof,
        };
        let op_text = match op {
            Tok::Eq => "=",
            Tok::Ne => "!=",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            _ => ">=",
        };
        let value_start;
        let predicate = match op {
            Tok::Eq | Tok::Ne | Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge => {
                self.advance()?;
                value_start = self.cur.start;
                let literal = self.literal(&format!("a constant after `{op_text}`"))?;
                if matches!(literal, Literal::Bool(_)) && !matches!(op, Tok::Eq | Tok::Ne) {
                    return Err(PatternError::new(
                        ErrorKind::UnexpectedToken,
                        value_start,
                        self.last_end - value_start,
                        format!("expected a number, string, binary or timestamp constant after `{op_text}`: booleans have no order"),
                    ));
                }
                match op {
                    Tok::Eq => Predicate::Eq(literal),
                    Tok::Ne => Predicate::Ne(literal),
                    Tok::Lt => Predicate::Lt(literal),
                    Tok::Le => Predicate::Le(literal),
                    Tok::Gt => Predicate::Gt(literal),
                    _ => Predicate::Ge(literal),
                }
            }
            Tok::Keyword(Keyword::In) => {
                self.advance()?;
                value_start = self.cur.start;
                Predicate::In(self.set()?)
            }
            Tok::Keyword(
                k @ (Keyword::Like | Keyword::Matches | Keyword::IsSubset | Keyword::IsSuperset),
            ) => {
                self.advance()?;
                value_start = self.cur.start;
                let Tok::Str(s) = &mut self.cur.tok else {
                    return Err(
                        self.fail(&format!("a string constant after `{}`", k.as_str()), &[])
                    );
                };
                let s = std::mem::take(s);
                self.advance()?;
                match k {
                    Keyword::Like => Predicate::Like(s),
                    Keyword::Matches => Predicate::Matches(s),
                    Keyword::IsSubset => Predicate::IsSubset(s),
                    _ => Predicate::IsSuperset(s),
                }
            }
            _ => {
                let mut keywords = vec![
                    Keyword::In,
                    Keyword::Like,
                    Keyword::Matches,
                    Keyword::IsSubset,
                    Keyword::IsSuperset,
                ];
                if !negated {
                    keywords.push(Keyword::Not);
                }
                let expected = if negated {
                    OPERATORS.to_owned()
                } else {
                    format!("`NOT` or {OPERATORS}")
                };
                return Err(self.fail(&expected, &keywords));
            }
        };
        Ok(ComparisonExpr::Comparison(Comparison {
            path,
            negated,
            predicate,
            span: Span::new(start, self.last_end),
            value_span: Span::new(value_start, self.last_end),
        }))
    }

    fn path(&mut self) -> Result<ObjectPath, PatternError> {
        let start = self.cur.start;
        let Tok::Ident { text, .. } = &mut self.cur.tok else {
            return Err(self.fail("an object type such as `file`", &[]));
        };
        let object_type = std::mem::take(text);
        self.advance()?;
        self.expect(&Tok::Colon, "`:` after the object type", &[])?;
        let property = self.property_name("a property name after `:`")?;
        let mut steps = Vec::new();
        loop {
            match self.cur.tok {
                Tok::Dot => {
                    self.advance()?;
                    steps.push(PathStep::Property(
                        self.property_name("a property name after `.`")?,
                    ));
                }
                Tok::LBrack => {
                    self.advance()?;
                    let step = match self.cur.tok {
                        Tok::Int { value, .. } => PathStep::Index(value),
                        Tok::Star => PathStep::AnyIndex,
                        _ => return Err(self.fail("an index or `*` inside `[` `]`", &[])),
                    };
                    self.advance()?;
                    self.expect(&Tok::RBrack, "`]` after the index", &[])?;
                    steps.push(step);
                }
                _ => break,
            }
        }
        Ok(ObjectPath {
            object_type,
            property,
            steps,
            span: Span::new(start, self.last_end),
        })
    }

    fn property_name(&mut self, expected: &str) -> Result<String, PatternError> {
        let name = match &mut self.cur.tok {
            Tok::Ident {
                text,
                hyphen: false,
            }
            | Tok::Str(text) => std::mem::take(text),
            Tok::Ident { text, hyphen: true } => {
                let quoted = format!("'{text}'");
                return Err(PatternError::new(
                    ErrorKind::UnexpectedToken,
                    self.cur.start,
                    self.cur.end - self.cur.start,
                    format!("expected {expected}; a name with `-` must be quoted: {quoted}"),
                ));
            }
            _ => return Err(self.fail(expected, &[])),
        };
        self.advance()?;
        Ok(name)
    }

    fn literal(&mut self, expected: &str) -> Result<Literal, PatternError> {
        let literal = match &mut self.cur.tok {
            Tok::Int { value, .. } => Literal::Int(*value),
            Tok::Float { value, .. } => Literal::Float(*value),
            Tok::Str(s) => Literal::Str(std::mem::take(s)),
            Tok::Bool(b) => Literal::Bool(*b),
            Tok::Hex(bytes) => Literal::Hex(std::mem::take(bytes)),
            Tok::Binary(bytes) => Literal::Binary(std::mem::take(bytes)),
            Tok::Timestamp(text) => {
                Literal::Timestamp(TimestampLiteral::from_checked(std::mem::take(text)))
            }
            _ => return Err(self.fail(expected, &[])),
        };
        self.advance()?;
        Ok(literal)
    }

    fn set(&mut self) -> Result<Vec<Literal>, PatternError> {
        self.expect(&Tok::LParen, "`(` to open the set after `IN`", &[])?;
        let mut items = Vec::new();
        if self.cur.tok == Tok::RParen {
            self.advance()?;
            return Ok(items);
        }
        loop {
            items.push(self.literal("a constant in the set")?);
            match self.cur.tok {
                Tok::Comma => {
                    self.advance()?;
                }
                Tok::RParen => {
                    self.advance()?;
                    return Ok(items);
                }
                _ => return Err(self.fail("`,` or `)` in the set", &[])),
            }
        }
    }
}
