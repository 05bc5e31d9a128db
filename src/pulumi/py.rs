//! A small Python code model: the expressions, statements and modules the Pulumi generators
//! need, built as values and printed by [`super::print`]. Every string literal goes through one
//! escape function there, so user data never becomes code.

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// An identifier (`name`, `self`, `aws`).
    Name(String),
    /// A string literal holding exactly this text.
    Str(String),
    /// An f-string: literal text and expressions, in order.
    FStr(Vec<FPart>),
    Int(i64),
    Bool(bool),
    None,
    /// `value.attr`
    Attr(Box<Expr>, String),
    /// `*value` in a list display.
    Star(Box<Expr>),
    /// `value[index]`
    Index(Box<Expr>, Box<Expr>),
    Call(Box<Call>),
    List(Vec<Expr>),
    Dict(Vec<DictItem>),
    /// `[elt for target in iter if cond]`, or with `key` a dict comprehension `{key: elt ...}`.
    Comp(Box<Comp>),
    /// `left op right` for a binary or boolean operator or a comparison.
    BinOp(Box<Expr>, Op, Box<Expr>),
    /// `then if cond else otherwise`
    IfExp(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `value[start:end]`, either bound optional.
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `lambda params: body`
    Lambda(Vec<String>, Box<Expr>),
    /// `not value`
    Not(Box<Expr>),
}

/// A part of an f-string.
#[derive(Debug, Clone, PartialEq)]
pub enum FPart {
    Lit(String),
    Expr(Expr),
    /// `{expr:spec}`: an expression with a format spec written by the generator (`g`).
    Spec(Expr, String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub func: Expr,
    pub args: Vec<Expr>,
    pub kwargs: Vec<(String, Expr)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DictItem {
    Pair(Expr, Expr),
    /// `**value`
    Splat(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comp {
    /// `Some` for a dict comprehension.
    pub key: Option<Expr>,
    pub elt: Expr,
    /// The loop target as written (`az`, `az, cidr`, `i, az`).
    pub target: String,
    pub iter: Expr,
    pub cond: Option<Expr>,
}

/// Operators, with Python's precedence (lowest first) decided by [`Op::precedence`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Or,
    And,
    Eq,
    NotEq,
    Add,
    Mul,
    LtE,
    Lt,
    Gt,
    Is,
    IsNot,
    In,
    NotIn,
}

impl Op {
    pub fn text(self) -> &'static str {
        match self {
            Op::Or => "or",
            Op::And => "and",
            Op::Eq => "==",
            Op::NotEq => "!=",
            Op::Add => "+",
            Op::Mul => "*",
            Op::LtE => "<=",
            Op::Lt => "<",
            Op::Gt => ">",
            Op::Is => "is",
            Op::IsNot => "is not",
            Op::In => "in",
            Op::NotIn => "not in",
        }
    }

    pub fn precedence(self) -> u8 {
        match self {
            Op::Or => 1,
            Op::And => 2,
            Op::Eq
            | Op::NotEq
            | Op::LtE
            | Op::Lt
            | Op::Gt
            | Op::Is
            | Op::IsNot
            | Op::In
            | Op::NotIn => 4,
            Op::Add => 5,
            Op::Mul => 6,
        }
    }
}

/// A statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    Expr(Expr),
    /// `target[: annotation] = value`
    Assign {
        target: String,
        annotation: Option<String>,
        value: Expr,
    },
    /// `name: annotation` (a dataclass field or a class attribute declaration).
    Declare {
        name: String,
        annotation: String,
    },
    Return(Expr),
    If {
        cond: Expr,
        body: Vec<Stmt>,
    },
    For {
        target: String,
        iter: Expr,
        body: Vec<Stmt>,
    },
    /// `raise value`
    Raise(Expr),
    /// A `# comment` line.
    Comment(String),
    /// An empty line between groups of statements.
    Blank,
    Def(Function),
    Class(Class),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub annotation: Option<String>,
    pub default: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    pub name: String,
    pub params: Vec<Param>,
    pub returns: String,
    pub doc: Option<String>,
    pub body: Vec<Stmt>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    pub name: String,
    pub decorators: Vec<String>,
    pub bases: Vec<Expr>,
    pub doc: Option<String>,
    pub body: Vec<Stmt>,
}

/// An import line; sorted and grouped (standard library, third party, local) when printed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Import {
    /// `import module [as alias]`
    Module {
        module: String,
        alias: Option<String>,
    },
    /// `from module import names`
    From { module: String, names: Vec<String> },
}

/// A Python source file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Module {
    pub doc: String,
    pub imports: Vec<Import>,
    pub body: Vec<Stmt>,
}

// Builders, so generators read like the code they produce.

pub fn name(n: &str) -> Expr {
    Expr::Name(n.to_string())
}

pub fn s(text: impl Into<String>) -> Expr {
    Expr::Str(text.into())
}

/// A dotted name such as `aws.ec2.Vpc` or `self.vpc.id`.
pub fn path(dotted: &str) -> Expr {
    let mut parts = dotted.split('.');
    let first = name(parts.next().unwrap_or_default());
    parts.fold(first, |e, p| e.attr(p))
}

pub fn fstr(parts: Vec<FPart>) -> Expr {
    Expr::FStr(parts)
}

pub fn lit(text: &str) -> FPart {
    FPart::Lit(text.to_string())
}

pub fn part(e: Expr) -> FPart {
    FPart::Expr(e)
}

pub fn int(n: impl Into<i64>) -> Expr {
    Expr::Int(n.into())
}

pub fn list(items: impl IntoIterator<Item = Expr>) -> Expr {
    Expr::List(items.into_iter().collect())
}

pub fn strs<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Expr {
    list(items.into_iter().map(|i| s(i.as_ref())))
}

/// A dict with string keys.
pub fn dict<K: Into<String>>(items: impl IntoIterator<Item = (K, Expr)>) -> Expr {
    Expr::Dict(
        items
            .into_iter()
            .map(|(k, v)| DictItem::Pair(s(k), v))
            .collect(),
    )
}

pub fn call(func: Expr, args: Vec<Expr>, kwargs: Vec<(&str, Expr)>) -> Expr {
    Expr::Call(Box::new(Call {
        func,
        args,
        kwargs: kwargs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    }))
}

pub fn bin(left: Expr, op: Op, right: Expr) -> Expr {
    Expr::BinOp(Box::new(left), op, Box::new(right))
}

pub fn if_exp(then: Expr, cond: Expr, otherwise: Expr) -> Expr {
    Expr::IfExp(Box::new(then), Box::new(cond), Box::new(otherwise))
}

pub fn list_comp(elt: Expr, target: &str, iter: Expr, cond: Option<Expr>) -> Expr {
    Expr::Comp(Box::new(Comp {
        key: None,
        elt,
        target: target.to_string(),
        iter,
        cond,
    }))
}

pub fn dict_comp(key: Expr, value: Expr, target: &str, iter: Expr, cond: Option<Expr>) -> Expr {
    Expr::Comp(Box::new(Comp {
        key: Some(key),
        elt: value,
        target: target.to_string(),
        iter,
        cond,
    }))
}

impl Expr {
    pub fn attr(self, a: &str) -> Expr {
        Expr::Attr(Box::new(self), a.to_string())
    }

    pub fn index(self, i: Expr) -> Expr {
        Expr::Index(Box::new(self), Box::new(i))
    }

    /// `self.method(args...)` with positional arguments only.
    pub fn method(self, m: &str, args: Vec<Expr>) -> Expr {
        call(self.attr(m), args, vec![])
    }
}

pub fn assign(target: &str, value: Expr) -> Stmt {
    Stmt::Assign {
        target: target.to_string(),
        annotation: None,
        value,
    }
}

pub fn assign_typed(target: &str, annotation: &str, value: Expr) -> Stmt {
    Stmt::Assign {
        target: target.to_string(),
        annotation: Some(annotation.to_string()),
        value,
    }
}

pub fn param(n: &str, annotation: &str) -> Param {
    Param {
        name: n.to_string(),
        annotation: Some(annotation.to_string()),
        default: None,
    }
}

pub fn import(module: &str) -> Import {
    Import::Module {
        module: module.to_string(),
        alias: None,
    }
}

pub fn import_as(module: &str, alias: &str) -> Import {
    Import::Module {
        module: module.to_string(),
        alias: Some(alias.to_string()),
    }
}

pub fn from_import(module: &str, names: &[&str]) -> Import {
    Import::From {
        module: module.to_string(),
        names: names.iter().map(|n| n.to_string()).collect(),
    }
}

/// `{e:spec}` in an f-string.
pub fn part_spec(e: Expr, spec: &str) -> FPart {
    FPart::Spec(e, spec.to_string())
}

/// `value[start:end]`
pub fn slice(value: Expr, start: Option<Expr>, end: Option<Expr>) -> Expr {
    Expr::Slice(Box::new(value), start.map(Box::new), end.map(Box::new))
}

/// `lambda params: body`
pub fn lambda(params: &[&str], body: Expr) -> Expr {
    Expr::Lambda(
        params.iter().map(|p| p.to_string()).collect(),
        Box::new(body),
    )
}

/// `not value`
pub fn not(value: Expr) -> Expr {
    Expr::Not(Box::new(value))
}

/// `if cond: raise ValueError(message)`: a check of the component's arguments.
pub fn check(cond: Expr, message: &str) -> Stmt {
    Stmt::If {
        cond,
        body: vec![Stmt::Raise(call(
            name("ValueError"),
            vec![s(message)],
            vec![],
        ))],
    }
}

impl Expr {
    /// `self(args...)`: calls the expression.
    pub fn method_call(self, args: Vec<Expr>) -> Expr {
        call(self, args, vec![])
    }
}
