"""Function-name demangling in pure Python: Itanium C++ (``_Z``), Rust legacy and v0.

The goal is a readable *function name* for a stack frame, not c++filt's full output:
``ns::Class<int>::method`` without the parameter list, ``std::io::Write::write_all``
without Rust's hash.  Anything we cannot parse comes back unchanged; nothing raises.
"""

from __future__ import annotations

import re

from .limits import check

__all__ = ["demangle", "demangle_itanium", "demangle_rust"]

_CLONE_SUFFIX = re.compile(r"(\.(?:cold|part|isra|constprop|lto_priv|llvm|localalias|"
                           r"clone|constprop\.isra)(?:\.\d+)*)+$|\.\d+$")


#: Longer names are left as they are: no compiler output comes near this, and the
#: parsers' time grows with the length (a traced program chooses its symbol names).
MAX_NAME = 1 << 16
#: Characters the Itanium parser may keep in its substitution table: each nested name
#: prefix is stored whole, so a hostile name of n components would otherwise hold n²/2
#: (a 160 KB name took 3.8 GB).
MAX_SUBS_CHARS = 1 << 21


def demangle(name: str) -> str:
    """The demangled function name of a symbol, or the symbol itself (also where a
    demangler finds nothing to name: ``_RC0``, a crate root of an empty name, gave "")."""
    if len(name) > MAX_NAME:
        return name
    try:
        if name.startswith("_R") or name.startswith("__R"):
            out = demangle_rust_v0(name)
            if out:
                return out
        if name.startswith("_ZN") and _RUST_HASH.search(name):
            out = demangle_rust_legacy(name)
            if out:
                return out
        if name.startswith("_Z") or name.startswith("__Z"):
            out = demangle_itanium(name)
            if out:
                return out
    except (IndexError, ValueError, KeyError, RecursionError):
        pass
    return name


# -- Rust legacy -------------------------------------------------------------------------

_RUST_HASH = re.compile(r"17h[0-9a-f]{16}E(\.[\w.$]*)?$")
_RUST_ESCAPES = {"SP": "@", "BP": "*", "RF": "&", "LT": "<", "GT": ">", "LP": "(", "RP": ")",
                 "C": ","}


def _rust_unescape(s: str) -> str:
    if s.startswith("_$"):
        s = s[1:]
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "$":
            j = s.find("$", i + 1)
            if j < 0:
                out.append(s[i:])
                break
            code = s[i + 1 : j]
            if code in _RUST_ESCAPES:
                out.append(_RUST_ESCAPES[code])
            elif code.startswith("u"):
                try:
                    out.append(chr(int(code[1:], 16)))
                except ValueError:
                    out.append(s[i : j + 1])
            else:
                out.append(s[i : j + 1])
            i = j + 1
        elif s.startswith("..", i):
            out.append("::")
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


# -- Rust v0 -------------------------------------------------------------------------------

_V0_BASIC = {"a": "i8", "b": "bool", "c": "char", "d": "f64", "e": "str", "f": "f32",
             "h": "u8", "i": "isize", "j": "usize", "l": "i32", "m": "u32", "n": "i128",
             "o": "u128", "s": "i16", "t": "u16", "u": "()", "v": "...", "x": "i64",
             "y": "u64", "z": "!", "p": "_"}


def _step_budget(s: str) -> int:
    # Every parsing loop looks at the input through peek()/eat(): a bound on their calls
    # ends any loop that would not advance on a malformed name (ValueError: left raw).
    return 64 * (len(s) + 16)


class _V0:
    def __init__(self, s: str) -> None:
        self.s = s
        self.i = 0
        self.depth = 0
        self.steps = _step_budget(s)

    def peek(self) -> str:
        self.steps -= 1
        if self.steps < 0:
            raise ValueError("malformed symbol: the demangler made no progress")
        return self.s[self.i] if self.i < len(self.s) else ""

    def take(self) -> str:
        c = self.s[self.i]
        self.i += 1
        return c

    def eat(self, c: str) -> bool:
        if self.peek() == c:
            self.i += 1
            return True
        return False

    def base62(self) -> int:
        if self.eat("_"):
            return 0
        v = 0
        while True:
            c = self.take()
            if c == "_":
                return v + 1
            if c.isdigit():
                d = ord(c) - 48
            elif "a" <= c <= "z":
                d = ord(c) - 97 + 10
            elif "A" <= c <= "Z":
                d = ord(c) - 65 + 36
            else:
                raise ValueError("bad base-62 number")
            v = v * 62 + d

    def disambiguator(self) -> int:
        return self.base62() + 1 if self.eat("s") else 0

    def ident(self) -> str:
        self.disambiguator()
        return self.undis_ident()

    def undis_ident(self) -> str:
        puny = self.eat("u")
        j = self.i
        if not self.eat("0"):  # "0" alone is a whole number (an empty identifier)
            while self.peek().isdigit():
                self.i += 1
        if self.i == j:
            raise ValueError("identifier length expected")
        n = int(self.s[j : self.i])
        self.eat("_")
        raw = self.s[self.i : self.i + n]
        self.i += n
        if puny:
            k = raw.rfind("_")
            ascii_part, rest = (raw[:k], raw[k + 1 :]) if k >= 0 else ("", raw)
            try:
                return (ascii_part + "-" + rest).encode().decode("punycode")
            except UnicodeError:
                return raw
        return raw

    def backref(self, fn: str) -> str:
        pos = self.base62()
        saved = self.i
        self.i = pos + 2  # positions count from after "_R"
        self.depth += 1
        if self.depth > 64:
            raise ValueError("backref loop")
        out: str = getattr(self, fn)()
        self.depth -= 1
        self.i = saved
        return out

    def path(self, in_value: bool = False) -> str:
        c = self.take()
        if c == "C":
            return self.ident()
        if c == "N":
            ns = self.take()
            inner = self.path(in_value)
            dis = self.disambiguator()
            name = self.undis_ident()
            if ns.islower():
                return f"{inner}::{name}" if name else inner
            kind = {"C": "closure", "S": "shim"}.get(ns, ns)
            return f"{inner}::{{{kind}{':' + name if name else ''}#{dis}}}"
        if c == "M":
            self.disambiguator()
            self.path()
            return f"<{self.type()}>"
        if c == "X":
            self.disambiguator()
            self.path()
            t = self.type()
            return f"<{t} as {self.path()}>"
        if c == "Y":
            t = self.type()
            return f"<{t} as {self.path()}>"
        if c == "I":
            base = self.path(in_value)
            args = []
            while not self.eat("E"):
                args.append(self.generic_arg())
            shown = [a for a in args if a]  # lifetimes are not shown
            if not shown:
                return base
            return f"{base}{'::' if in_value else ''}<{', '.join(shown)}>"
        if c == "B":
            return self.backref("value_path" if in_value else "path")
        raise ValueError(f"bad v0 path tag {c!r}")

    def value_path(self) -> str:
        return self.path(True)

    def generic_arg(self) -> str:
        if self.eat("L"):
            self.base62()
            return ""
        if self.eat("K"):
            return self.const()
        return self.type()

    def const(self) -> str:
        if self.eat("B"):
            return self.backref("const")
        if self.eat("p"):
            return "_"
        t = self.take()
        neg = self.eat("n")
        j = self.i
        while self.peek() != "_":
            self.i += 1
        hexs = self.s[j : self.i]
        self.i += 1
        v = int(hexs, 16) if hexs else 0
        if t == "b":
            return "true" if v else "false"
        if t == "c":
            return repr(chr(v))
        return f"{'-' if neg else ''}{v}"

    def type(self) -> str:
        c = self.peek()
        if c in _V0_BASIC:
            self.i += 1
            return _V0_BASIC[c]
        self.i += 1
        if c == "A":
            t = self.type()
            return f"[{t}; {self.const()}]"
        if c == "S":
            return f"[{self.type()}]"
        if c == "T":
            ts = []
            while not self.eat("E"):
                ts.append(self.type())
            return f"({', '.join(ts)}{',' if len(ts) == 1 else ''})"
        if c in "RQ":
            if self.eat("L"):
                self.base62()
            return ("&" if c == "R" else "&mut ") + self.type()
        if c in "PO":
            return ("*const " if c == "P" else "*mut ") + self.type()
        if c == "F":
            if self.eat("G"):
                self.base62()
            unsafe = self.eat("U")
            abi = ""
            if self.eat("K"):
                abi = "C" if self.eat("C") else self.undis_ident().replace("_", "-")
            args = []
            while not self.eat("E"):
                args.append(self.type())
            ret = self.type()
            extern = f'extern "{abi}" ' if abi else ""
            return (f"{'unsafe ' if unsafe else ''}{extern}fn({', '.join(args)})"
                    + (f" -> {ret}" if ret != "()" else ""))
        if c == "D":
            if self.eat("G"):
                self.base62()
            traits = []
            while not self.eat("E"):
                trait = self.path()
                bindings = []
                while self.eat("p"):  # associated types: FnOnce<(), Output = ()>
                    name = self.undis_ident()
                    bindings.append(f"{name} = {self.type()}")
                if bindings and trait.endswith(">"):
                    trait = f"{trait[:-1]}, {', '.join(bindings)}>"
                elif bindings:
                    trait = f"{trait}<{', '.join(bindings)}>"
                traits.append(trait)
            if self.eat("L"):
                self.base62()
            return "dyn " + " + ".join(traits)
        if c == "B":
            return self.backref("type")
        self.i -= 1
        return self.path()


def demangle_rust_v0(name: str) -> str | None:
    s = name[1:] if name.startswith("__R") else name
    if not s.startswith("_R"):
        return None
    dot = s.find(".")
    if dot > 0:
        s = s[:dot]
    p = _V0(s)
    p.i = 2
    while p.peek().isdigit():  # encoding version
        p.i += 1
    return p.path(True)


def demangle_rust(name: str) -> str | None:
    """Either Rust mangling (legacy ``_ZN...17h<hash>E`` or v0 ``_R``)."""
    if name.startswith(("_R", "__R")):
        return demangle_rust_v0(name)
    return demangle_rust_legacy(name)


def demangle_rust_legacy(name: str) -> str | None:
    m = _RUST_HASH.search(name)
    if not name.startswith("_ZN") or m is None:
        return None
    body = name[3 : m.start()]
    parts = []
    i = 0
    while i < len(body):
        j = i
        while j < len(body) and body[j].isdigit():
            j += 1
        if j == i:
            return None
        n = int(body[i:j])
        comp = body[j : j + n]
        if len(comp) != n:
            return None
        parts.append(_rust_unescape(comp))
        i = j + n
    return "::".join(parts) if parts else None


# -- Itanium C++ -----------------------------------------------------------------------

_BUILTIN = {"v": "void", "w": "wchar_t", "b": "bool", "c": "char", "a": "signed char",
            "h": "unsigned char", "s": "short", "t": "unsigned short", "i": "int",
            "j": "unsigned int", "l": "long", "m": "unsigned long", "x": "long long",
            "y": "unsigned long long", "n": "__int128", "o": "unsigned __int128",
            "f": "float", "d": "double", "e": "long double", "g": "__float128", "z": "..."}
_D_BUILTIN = {"d": "decimal64", "e": "decimal128", "f": "decimal32", "h": "half",
              "i": "char32_t", "s": "char16_t", "u": "char8_t", "a": "auto",
              "c": "decltype(auto)", "n": "std::nullptr_t"}
_STD_SUBS = {"t": "std", "a": "std::allocator", "b": "std::basic_string",
             "s": "std::string", "i": "std::istream", "o": "std::ostream",
             "d": "std::iostream"}
# integer literals in template arguments, written as c++filt does: 8u, 3ul
_LITERAL_SUFFIX = {"int": "", "unsigned int": "u", "long": "l", "unsigned long": "ul",
                   "long long": "ll", "unsigned long long": "ull"}
# operators of one operand in an expression (the others take two, "?" three)
_UNARY = {"ps", "ng", "ad", "de", "co", "nt", "pp", "mm", "nw", "na", "dl", "da"}
_STD_FULL = {
    "std::string": "std::basic_string<char, std::char_traits<char>, std::allocator<char>>",
    "std::istream": "std::basic_istream<char, std::char_traits<char>>",
    "std::ostream": "std::basic_ostream<char, std::char_traits<char>>",
    "std::iostream": "std::basic_iostream<char, std::char_traits<char>>",
}
_OPERATORS = {
    "nw": "new", "na": "new[]", "dl": "delete", "da": "delete[]", "ps": "+", "ng": "-",
    "ad": "&", "de": "*", "co": "~", "pl": "+", "mi": "-", "ml": "*", "dv": "/", "rm": "%",
    "an": "&", "or": "|", "eo": "^", "aS": "=", "pL": "+=", "mI": "-=", "mL": "*=",
    "dV": "/=", "rM": "%=", "aN": "&=", "oR": "|=", "eO": "^=", "ls": "<<", "rs": ">>",
    "lS": "<<=", "rS": ">>=", "eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=",
    "ge": ">=", "ss": "<=>", "nt": "!", "aa": "&&", "oo": "||", "pp": "++", "mm": "--",
    "cm": ",", "pm": "->*", "pt": "->", "cl": "()", "ix": "[]", "qu": "?",
}


# a function or array type: (return or element type, declarator, "(params) cv" or "[n]",
# is an array): what wrapping it in a pointer, reference or array needs
_Decl = tuple[str, str, str, bool]


class _Subs(list[str]):
    """The substitution table, with a bound on the characters it holds."""

    chars = 0

    def append(self, item: str) -> None:
        self.chars += len(item)
        if self.chars > MAX_SUBS_CHARS:
            raise ValueError("malformed symbol: substitutions too large")
        if not len(self) & 0xFF:
            check()  # (an interruption leaves the name as it is, like any other error)
        super().append(item)


class _Itanium:
    def __init__(self, s: str) -> None:
        self.s = s
        self.i = 0
        self.subs: list[str] = _Subs()
        self.tparams: list[str] = []
        self.depth = 0
        # function and array types rendered so far, by their text
        self.decls: dict[str, _Decl] = {}
        self.steps = _step_budget(s)

    def peek(self, n: int = 0) -> str:
        self.steps -= 1
        if self.steps < 0:
            raise ValueError("malformed symbol: the demangler made no progress")
        j = self.i + n
        return self.s[j] if j < len(self.s) else ""

    def eat(self, t: str) -> bool:
        self.steps -= 1
        if self.steps < 0:
            raise ValueError("malformed symbol: the demangler made no progress")
        if self.s.startswith(t, self.i):
            self.i += len(t)
            return True
        return False

    def number(self) -> int:
        neg = self.eat("n")
        j = self.i
        while self.peek().isdigit():
            self.i += 1
        if j == self.i:
            raise ValueError("number expected")
        v = int(self.s[j : self.i])
        return -v if neg else v

    def seq_id(self) -> int:
        v = 0
        while self.peek() != "_":
            c = self.s[self.i]
            self.i += 1
            v = v * 36 + (int(c) if c.isdigit() else ord(c) - 55)
        self.i += 1
        return v

    # <encoding>
    def encoding(self) -> str:
        if self.peek() in ("T", "G"):
            return self.special()
        # the parameter types follow the name: a function name does not show them
        return self.name()[0]

    def special(self) -> str:
        if self.eat("TV"):
            return "vtable for " + self.type()
        if self.eat("TT"):
            return "VTT for " + self.type()
        if self.eat("TI"):
            return "typeinfo for " + self.type()
        if self.eat("TS"):
            return "typeinfo name for " + self.type()
        if self.eat("Th"):
            self.number()
            self.eat("_")
            return self.encoding()
        if self.eat("Tv"):
            self.number()
            self.eat("_")
            self.number()
            self.eat("_")
            return self.encoding()
        if self.eat("Tc"):
            for _ in range(2):
                if self.eat("h"):
                    self.number()
                    self.eat("_")
                elif self.eat("v"):
                    self.number()
                    self.eat("_")
                    self.number()
                    self.eat("_")
            return self.encoding()
        if self.eat("TC"):
            derived = self.type()
            self.number()
            self.eat("_")
            return f"construction vtable for {self.type()}-in-{derived}"
        if self.eat("GV"):
            return "guard variable for " + self.name()[0]
        if self.eat("GR"):
            return "reference temporary for " + self.name()[0]
        if self.eat("GTt"):
            return self.encoding()
        raise ValueError("unknown special name")

    # <name> -> (text, ends with template args)
    def name(self) -> tuple[str, bool]:
        self.depth += 1
        if self.depth > 200:
            raise ValueError("too deep")
        try:
            c = self.peek()
            if c == "N":
                return self.nested()
            if c == "Z":
                return self.local()
            if c == "S" and self.peek(1) != "t":
                n = self.substitution()
                if self.peek() == "I":
                    return n + self.template_args(), True
                return n, False
            n = "std::" if self.eat("St") else ""
            n += self.unqualified("")
            if self.peek() == "I":
                self.subs.append(n)  # an <unscoped-template-name>
                return n + _before_targs(n) + self.template_args(), True
            return n, False
        finally:
            self.depth -= 1

    def nested(self) -> tuple[str, bool]:
        self.eat("N")
        while self.peek() in ("r", "V", "K"):
            self.i += 1
        if self.peek() in ("R", "O"):
            self.i += 1
        parts = ""
        templ = False
        while not self.eat("E"):
            c = self.peek()
            if c == "S" and self.peek(1) != "t":
                parts = self.substitution()
                if self.peek() in ("C", "D") and parts in _STD_FULL:
                    parts = _STD_FULL[parts]  # its constructor is named basic_string
                templ = False
                continue
            if c == "S":
                self.i += 2
                parts = "std"
                continue
            if c == "I":
                if not parts:
                    raise ValueError("template args without a name")
                parts += _before_targs(parts) + self.template_args()
                templ = True
                if self.peek() != "E":
                    self.subs.append(parts)
                continue
            if c == "T":
                parts = self.template_param()
                self.subs.append(parts)
                continue
            if c == "D" and self.peek(1) in ("t", "T"):
                parts = self.type()
                continue
            if c == "M":  # data-member prefix (a lambda in an initializer)
                self.i += 1
                continue
            last = self.unqualified(parts)
            parts = f"{parts}::{last}" if parts else last
            templ = False
            if self.peek() != "E":
                self.subs.append(parts)
        return parts, templ

    def local(self) -> tuple[str, bool]:
        self.eat("Z")
        saved = self.tparams
        func = self.encoding()
        # skip the function's parameter types up to the 'E' of the local name
        self.skip_params_until_E()
        self.tparams = saved
        if self.eat("s"):
            self.discriminator()
            return func, False
        if self.eat("d"):
            if self.peek() != "_":
                self.number()
            self.eat("_")
        inner, templ = self.name()
        self.discriminator()
        return f"{func}::{inner}", templ

    def skip_params_until_E(self) -> None:
        while self.peek() and self.peek() != "E":
            self.type()
        self.eat("E")

    def discriminator(self) -> None:
        if self.eat("__"):
            self.number()
            self.eat("_")
        elif self.eat("_"):
            self.number()

    def unqualified(self, scope: str) -> str:
        c = self.peek()
        if c.isdigit():
            n = self.source_name()
        elif c == "C" and self.peek(1) in "12345I":
            self.i += 2
            if self.s[self.i - 1] == "I":
                self.i += 1
                self.type()
            n = _base_name(scope) or "ctor"
        elif c == "D" and self.peek(1) in "01245":
            self.i += 2
            n = "~" + (_base_name(scope) or "dtor")
        elif c == "U" and self.peek(1) == "l":  # lambda
            self.i += 2
            params = []
            while not self.eat("E"):
                params.append(self.type())
            k = 0 if self.peek() == "_" else self.number() + 1
            self.eat("_")
            if params == ["void"]:
                params = []
            n = f"{{lambda({', '.join(params)})#{k + 1}}}"
        elif c == "U" and self.peek(1) == "t":
            self.i += 2
            k = 0 if self.peek() == "_" else self.number() + 1
            self.eat("_")
            n = f"{{unnamed type#{k + 1}}}"
        elif c == "L":  # internal linkage marker in some names
            self.i += 1
            return self.unqualified(scope)
        elif c == "D" and self.peek(1) == "C":
            self.i += 2
            names = []
            while not self.eat("E"):
                names.append(self.source_name())
            n = "[" + ", ".join(names) + "]"
        else:
            n = self.operator()
        while self.eat("B"):  # ABI tags
            tag = self.source_name()
            n += f"[abi:{tag}]"
        return n

    def source_name(self) -> str:
        n = self.number()
        name = self.s[self.i : self.i + n]
        if len(name) != n:
            raise ValueError("short source name")
        self.i += n
        if name.startswith("_GLOBAL__N"):
            return "(anonymous namespace)"
        return name

    def operator(self) -> str:
        two = self.s[self.i : self.i + 2]
        if two == "cv":
            self.i += 2
            return "operator " + self.type()
        if two == "li":
            self.i += 2
            return 'operator"" ' + self.source_name()
        if two[:1] == "v" and two[1:].isdigit():
            self.i += 2
            return "operator " + self.source_name()
        if two in _OPERATORS:
            self.i += 2
            op = _OPERATORS[two]
            return "operator" + (" " + op if op[0].isalpha() else op)
        raise ValueError(f"unknown name component {two!r}")

    def substitution(self) -> str:
        self.eat("S")
        c = self.peek()
        if c in _STD_SUBS and c != "t":
            self.i += 1
            return _STD_SUBS[c]
        if c == "t":
            self.i += 1
            return "std"
        k = 0 if self.eat("_") else self.seq_id() + 1
        if k >= len(self.subs):
            raise ValueError("bad substitution")
        return self.subs[k]

    def template_param(self) -> str:
        self.eat("T")
        k = 0 if self.eat("_") else self.number() + 1
        if self.peek(-1) != "_":
            self.eat("_")
        return self.tparams[k] if k < len(self.tparams) else f"T{k}"

    def template_args(self) -> str:
        self.eat("I")
        top = self.depth <= 1
        args = []
        while not self.eat("E"):
            args.append(self.template_arg())
        if top:  # the function's own template arguments: what T_ refers to
            self.tparams = args
        return "<" + ", ".join(a for a in args if a) + ">"  # an empty pack shows nothing

    def template_arg(self) -> str:
        c = self.peek()
        if c == "L":
            return self.expr_primary()
        if c == "X":
            self.i += 1
            e = self.expression()
            if not self.eat("E"):
                raise ValueError("end of template argument expression expected")
            return e
        if c == "J":
            self.i += 1
            args = []
            while not self.eat("E"):
                args.append(self.template_arg())
            return ", ".join(a for a in args if a)
        return self.type()

    def expression(self) -> str:
        """A template argument's expression: the common forms, in short."""
        self.depth += 1
        if self.depth > 200:
            raise ValueError("too deep")
        try:
            return self._expression()
        finally:
            self.depth -= 1

    def _expression(self) -> str:
        c = self.peek()
        if c == "L":
            return self.expr_primary()
        if c == "T":
            return self.template_param()
        if c.isdigit():  # an unresolved name: f, f<T>
            n = self.source_name()
            return n + self.template_args() if self.peek() == "I" else n
        two = self.s[self.i : self.i + 2]
        if two == "dt":  # member access: a.b
            self.i += 2
            obj = self.expression()
            return f"{obj}.{self.expression()}"
        if two == "fp":  # a function parameter: fp_ or fp<cv><n>_
            self.i += 2
            while self.peek() in ("r", "V", "K"):
                self.i += 1
            k = 0 if self.peek() == "_" else self.number() + 1
            self.eat("_")
            return f"{{parm#{k + 1}}}"
        if two == "sr":  # a dependent name: T::name
            self.i += 2
            scope = self.type()
            name = self.unqualified(scope)
            if self.peek() == "I":
                name += self.template_args()
            return f"{scope}::{name}"
        if two in ("st", "at"):
            self.i += 2
            return f"{'sizeof' if two == 'st' else 'alignof'} ({self.type()})"
        if two in ("sz", "az"):
            self.i += 2
            return f"{'sizeof' if two == 'sz' else 'alignof'} ({self.expression()})"
        if two in ("sc", "cc", "rc", "dc"):
            kind = {"sc": "static", "cc": "const", "rc": "reinterpret", "dc": "dynamic"}[two]
            self.i += 2
            t = self.type()
            return f"{kind}_cast<{t}>({self.expression()})"
        if two == "cv":
            self.i += 2
            t = self.type()
            if self.eat("_"):
                args = []
                while not self.eat("E"):
                    args.append(self.expression())
                return f"({t})({', '.join(args)})"
            return f"({t})({self.expression()})"
        if two == "cl":  # a call: cl <callee> <args> E
            self.i += 2
            f = self.expression()
            args = []
            while not self.eat("E"):
                args.append(self.expression())
            return f"{f}({', '.join(args)})"
        if two in _OPERATORS:
            self.i += 2
            op = _OPERATORS[two]
            if two in _UNARY:
                return f"{op}({self.expression()})"
            left = self.expression()
            if two == "qu":
                mid = self.expression()
                return f"({left})?({mid}) : ({self.expression()})"
            return f"({left}){op}({self.expression()})"
        raise ValueError(f"unsupported expression {two!r}")

    def expr_primary(self) -> str:
        self.eat("L")
        if self.eat("_Z"):  # a function or an object: its name
            n = self.encoding()
            saved = self.tparams
            self.skip_params_until_E()
            self.tparams = saved
            return n
        t = self.type()
        j = self.i
        while self.peek() != "E":
            self.i += 1
        val = self.s[j : self.i].replace("n", "-", 1)
        self.i += 1
        if t == "bool":
            return "true" if val == "1" else "false"
        if t in _LITERAL_SUFFIX:
            return val + _LITERAL_SUFFIX[t]
        return f"({t}){val}"

    def type(self) -> str:
        self.depth += 1
        if self.depth > 200:
            raise ValueError("too deep")
        try:
            return self._type()
        finally:
            self.depth -= 1

    def _declarator(self, d: _Decl, decl: str) -> str:
        """A function or array type with declarator ``decl``, written as C++ does:
        ``void (*)(int)``, ``char const (&) [4]``; remembered so that more can wrap it."""
        head, _, tail, array = d
        t = f"{head} ({decl}){' ' if array else ''}{tail}" if decl else f"{head} {tail}"
        self.decls[t] = (head, decl, tail, array)
        return t

    def _type(self) -> str:
        c = self.peek()
        if c in _BUILTIN:
            self.i += 1
            return _BUILTIN[c]
        if c == "u":
            self.i += 1
            return self.source_name()
        if c == "D" and self.peek(1) in _D_BUILTIN:
            self.i += 2
            return _D_BUILTIN[self.s[self.i - 1]]
        if c == "D" and self.peek(1) == "p":
            self.i += 2
            return self.type() + "..."
        if c == "D" and self.peek(1) in ("t", "T"):
            self.i += 2
            t = f"decltype ({self.expression()})"
            if not self.eat("E"):
                raise ValueError("end of decltype expected")
            self.subs.append(t)
            return t
        if c in ("r", "V", "K"):
            quals = []
            while self.peek() in ("r", "V", "K"):
                quals.append({"r": "restrict", "V": "volatile", "K": "const"}[self.s[self.i]])
                self.i += 1
            inner = self.type()
            d = self.decls.get(inner)
            if d is not None and d[1]:  # a const pointer to a function: void (* const)()
                t = self._declarator(d, d[1] + " " + " ".join(reversed(quals)))
            else:
                t = inner + " " + " ".join(reversed(quals))
            self.subs.append(t)
            return t
        if c in ("P", "R", "O"):
            self.i += 1
            sym = {"P": "*", "R": "&", "O": "&&"}[c]
            inner = self.type()
            d = self.decls.get(inner)
            # a pointer to a function or an array: void (*)(int)
            t = self._declarator(d, d[1] + sym) if d is not None else inner + sym
            self.subs.append(t)
            return t
        if c == "F" or (c == "D" and self.peek(1) == "x"):
            self.eat("Dx")
            self.eat("F")
            self.eat("Y")
            ret = self.type()
            args = []
            while not self.eat("E"):
                if self.peek() in ("R", "O") and self.peek(1) == "E":
                    self.i += 1
                    continue
                args.append(self.type())
            if args == ["void"]:
                args = []
            t = self._declarator((ret, "", f"({', '.join(args)})", False), "")
            self.subs.append(t)
            return t
        if c == "A":
            self.i += 1
            dim = ""
            if self.peek().isdigit():
                dim = str(self.number())
            elif self.peek() != "_":
                while self.peek() != "_":
                    self.i += 1
            self.eat("_")
            inner = self.type()
            d = self.decls.get(inner)
            if d is not None and d[1]:  # an array of pointers: void (*[3])()
                t = self._declarator(d, f"{d[1]}[{dim}]")
            elif d is not None and d[3]:  # an array of arrays: int [2][3]
                t = self._declarator((d[0], "", f"[{dim}]{d[2]}", True), "")
            else:
                t = self._declarator((inner, "", f"[{dim}]", True), "")
            self.subs.append(t)
            return t
        if c == "M":
            self.i += 1
            cls = self.type()
            start = self.i
            quals = []
            while self.peek() in ("r", "V", "K"):
                quals.append({"r": "restrict", "V": "volatile", "K": "const"}[self.s[self.i]])
                self.i += 1
            if self.peek() == "F" or self.s.startswith("Dx", self.i):
                # a pointer to member function: void (Cls::*)(int) const
                ret, _, tail, _ = self.decls[self.type()]
                tail += "".join(" " + q for q in reversed(quals))
                if quals:
                    self.subs.append(f"{ret} {tail}")
                t = self._declarator((ret, "", tail, False), f"{cls}::*")
            else:
                self.i = start
                t = f"{self.type()} {cls}::*"
            self.subs.append(t)
            return t
        if c == "T":
            t = self.template_param()
            self.subs.append(t)
            if self.peek() == "I":
                t += self.template_args()
                self.subs.append(t)
            return t
        if c == "S":
            if self.peek(1) == "t":
                n, _ = self.name()
                self.subs.append(n)
                return n
            t = self.substitution()
            if self.peek() == "I":
                t += self.template_args()
                self.subs.append(t)
            return t
        if c in ("N", "Z") or c.isdigit():
            n, _ = self.name()
            self.subs.append(n)
            return n
        raise ValueError(f"unknown type {c!r}")


def _before_targs(name: str) -> str:
    """A space between ``operator<``/``operator<<`` and template arguments, as c++filt does."""
    return " " if name.endswith("<") else ""


def _base_name(scope: str) -> str:
    """``Box`` of ``ns::Box<std::map<int, int>>``: a constructor's name."""
    s = scope
    while s.endswith(">"):
        depth = 0
        for k in range(len(s) - 1, -1, -1):
            if s[k] == ">":
                depth += 1
            elif s[k] == "<":
                depth -= 1
                if depth == 0:
                    s = s[:k]
                    break
        else:
            break
    parts = s.split("::")
    while len(parts) > 1 and parts[-1].startswith("{unnamed type#"):
        parts.pop()  # c++filt names an unnamed type's constructor after its enclosing scope
    return parts[-1].split("[abi:", 1)[0]


def demangle_itanium(name: str) -> str | None:
    """An Itanium C++ ABI symbol's qualified function name (no parameters)."""
    s = name[1:] if name.startswith("__Z") else name
    if not s.startswith("_Z"):
        return None
    m = _CLONE_SUFFIX.search(s)
    if m is not None and m.start() > 2:
        s = s[: m.start()]
    p = _Itanium(s)
    p.i = 2
    out = p.encoding()
    return out or None
