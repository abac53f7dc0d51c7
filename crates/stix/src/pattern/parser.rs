//! The recursive-descent parser.
//!
//! Precedence, loosest first: observation `FOLLOWEDBY`, `OR`, `AND`, then
//! postfix qualifiers binding to the expression just before them; inside
//! brackets comparison `OR`, then `AND`. All operators are left-associative
//! and chains become one n-ary node. Nesting of `(` and `[` is capped at
//! [`MAX_DEPTH`] so hostile input cannot overflow the stack. The comparison
//! level (inside `[` `]`) is in `comparison.rs`.

use super::ast::{Number, ObservationExpr, Qualifier, QualifierKind, Span, TimestampLiteral};
use super::error::{ErrorKind, PatternError};
use super::lexer::{Keyword, Lexer, Tok, Token};

/// How deeply `(` and `[` may nest.
pub const MAX_DEPTH: usize = 128;

/// Parse a whole pattern.
pub(crate) fn parse(text: &str) -> Result<ObservationExpr, PatternError> {
    let mut lexer = Lexer::new(text);
    let cur = lexer.next_token()?;
    let mut parser = Parser {
        lexer,
        cur,
        last_end: 0,
        depth: 0,
    };
    parser.pattern()
}

pub(super) struct Parser {
    pub(super) lexer: Lexer,
    pub(super) cur: Token,
    pub(super) last_end: usize,
    pub(super) depth: usize,
}

impl Parser {
    pub(super) fn advance(&mut self) -> Result<Token, PatternError> {
        let next = self.lexer.next_token()?;
        let prev = std::mem::replace(&mut self.cur, next);
        self.last_end = prev.end;
        Ok(prev)
    }

    pub(super) fn is_kw(&self, k: Keyword) -> bool {
        self.cur.tok == Tok::Keyword(k)
    }

    /// The error for an unexpected current token.
    #[cold]
    pub(super) fn fail(&self, expected: &str, keywords: &[Keyword]) -> PatternError {
        let Token { tok, start, end } = &self.cur;
        if *tok == Tok::Eof {
            return PatternError::new(
                ErrorKind::UnexpectedEnd,
                *start,
                0,
                format!("expected {expected}, found the end of the pattern"),
            );
        }
        let found = self.lexer.snippet(*start, *end);
        if let Tok::Ident { text, .. } = tok {
            let upper = text.to_ascii_uppercase();
            if let Some(k) = keywords.iter().find(|k| k.as_str() == upper) {
                return PatternError::new(
                    ErrorKind::LowercaseKeyword,
                    *start,
                    end - start,
                    format!(
                        "keywords are uppercase: expected `{}`, found `{found}`",
                        k.as_str()
                    ),
                );
            }
        }
        PatternError::new(
            ErrorKind::UnexpectedToken,
            *start,
            end - start,
            format!("expected {expected}, found `{found}`"),
        )
    }

    pub(super) fn expect(
        &mut self,
        tok: &Tok,
        expected: &str,
        keywords: &[Keyword],
    ) -> Result<Token, PatternError> {
        if self.cur.tok == *tok {
            self.advance()
        } else {
            Err(self.fail(expected, keywords))
        }
    }

    pub(super) fn enter(&mut self) -> Result<(), PatternError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(PatternError::new(
                ErrorKind::TooDeep,
                self.cur.start,
                1,
                format!("parentheses and brackets nest deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(())
    }

    fn pattern(&mut self) -> Result<ObservationExpr, PatternError> {
        if matches!(self.cur.tok, Tok::Ident { .. }) && self.lexer_peek_is(&Tok::Colon) {
            return Err(PatternError::new(
                ErrorKind::MissingBrackets,
                self.cur.start,
                self.cur.end - self.cur.start,
                "expected `[`: comparisons go inside square brackets, e.g. [file:name = 'a.exe']"
                    .to_owned(),
            ));
        }
        let expr = self.followed_by()?;
        if self.cur.tok != Tok::Eof {
            return Err(self.fail(
                "`AND`, `OR`, `FOLLOWEDBY`, a qualifier or the end of the pattern",
                &[
                    Keyword::And,
                    Keyword::Or,
                    Keyword::FollowedBy,
                    Keyword::Within,
                    Keyword::Repeats,
                    Keyword::Start,
                ],
            ));
        }
        Ok(expr)
    }

    /// Whether the token after the current one is `tok` (no error if the
    /// lexer fails there; the parser will report it in order).
    pub(super) fn lexer_peek_is(&mut self, tok: &Tok) -> bool {
        self.lexer.peek().is_ok_and(|t| t.tok == *tok)
    }

    /// `operand (keyword operand)*`, as one n-ary node when the keyword
    /// appears (so long chains do not nest); used for observation and
    /// comparison expressions alike.
    pub(super) fn chain<T>(
        &mut self,
        keyword: Keyword,
        operand: fn(&mut Parser) -> Result<T, PatternError>,
        build: fn(Vec<T>) -> T,
    ) -> Result<T, PatternError> {
        let first = operand(self)?;
        if !self.is_kw(keyword) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.is_kw(keyword) {
            self.advance()?;
            items.push(operand(self)?);
        }
        Ok(build(items))
    }

    fn followed_by(&mut self) -> Result<ObservationExpr, PatternError> {
        self.chain(Keyword::FollowedBy, Parser::or, ObservationExpr::FollowedBy)
    }

    fn or(&mut self) -> Result<ObservationExpr, PatternError> {
        self.chain(Keyword::Or, Parser::and, ObservationExpr::Or)
    }

    fn and(&mut self) -> Result<ObservationExpr, PatternError> {
        self.chain(Keyword::And, Parser::qualified, ObservationExpr::And)
    }

    fn qualified(&mut self) -> Result<ObservationExpr, PatternError> {
        let in_parens = self.cur.tok == Tok::LParen;
        let expr = self.primary()?;
        let mut qualifiers = Vec::new();
        while let Tok::Keyword(k @ (Keyword::Within | Keyword::Repeats | Keyword::Start)) =
            self.cur.tok
        {
            qualifiers.push(self.qualifier(k)?);
        }
        if qualifiers.is_empty() {
            Ok(expr)
        } else {
            let grouped = in_parens && matches!(expr, ObservationExpr::Observation { .. });
            Ok(ObservationExpr::Qualified {
                expr: Box::new(expr),
                qualifiers,
                grouped,
            })
        }
    }

    fn primary(&mut self) -> Result<ObservationExpr, PatternError> {
        match self.cur.tok {
            Tok::LBrack => {
                self.enter()?;
                let open = self.advance()?;
                let comparison = self.cmp_or()?;
                let close = self.expect(
                    &Tok::RBrack,
                    "`AND`, `OR` or `]`",
                    &[Keyword::And, Keyword::Or],
                )?;
                self.depth -= 1;
                Ok(ObservationExpr::Observation {
                    comparison,
                    span: Span::new(open.start, close.end),
                })
            }
            Tok::LParen => {
                self.enter()?;
                self.advance()?;
                let expr = self.followed_by()?;
                self.expect(
                    &Tok::RParen,
                    "`AND`, `OR`, `FOLLOWEDBY`, a qualifier or `)`",
                    &[
                        Keyword::And,
                        Keyword::Or,
                        Keyword::FollowedBy,
                        Keyword::Within,
                        Keyword::Repeats,
                        Keyword::Start,
                    ],
                )?;
                self.depth -= 1;
                Ok(expr)
            }
            _ => Err(self.fail("`[` or `(` to start an observation expression", &[])),
        }
    }

    fn qualifier(&mut self, k: Keyword) -> Result<Qualifier, PatternError> {
        let start = self.advance()?.start;
        let kind = match k {
            Keyword::Within => {
                let n = match self.cur.tok {
                    Tok::Int { value, neg: false } => Number::Int(value),
                    Tok::Float { value, neg: false } => Number::Float(value),
                    _ => return Err(self.fail("a positive number of seconds after `WITHIN`", &[])),
                };
                self.advance()?;
                self.expect(
                    &Tok::Keyword(Keyword::Seconds),
                    "`SECONDS`",
                    &[Keyword::Seconds],
                )?;
                QualifierKind::Within(n)
            }
            Keyword::Repeats => {
                let Tok::Int { value, neg: false } = self.cur.tok else {
                    return Err(self.fail("a positive integer after `REPEATS`", &[]));
                };
                self.advance()?;
                self.expect(&Tok::Keyword(Keyword::Times), "`TIMES`", &[Keyword::Times])?;
                QualifierKind::Repeats(value)
            }
            _ => {
                let start_ts = self.timestamp("a timestamp t'…' after `START`")?;
                self.expect(&Tok::Keyword(Keyword::Stop), "`STOP`", &[Keyword::Stop])?;
                let stop = self.timestamp("a timestamp t'…' after `STOP`")?;
                QualifierKind::StartStop {
                    start: start_ts,
                    stop,
                }
            }
        };
        Ok(Qualifier {
            kind,
            span: Span::new(start, self.last_end),
        })
    }

    fn timestamp(&mut self, expected: &str) -> Result<TimestampLiteral, PatternError> {
        if let Tok::Timestamp(text) = &mut self.cur.tok {
            let text = std::mem::take(text);
            self.advance()?;
            Ok(TimestampLiteral::from_checked(text))
        } else {
            Err(self.fail(expected, &[]))
        }
    }
}
