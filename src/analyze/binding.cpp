#include "analyze/binding.h"

#include <algorithm>
#include <string>

namespace keyhole::analyze {

namespace {

enum class Tok : uint8_t { kWord, kString, kPunct };

struct Token {
  Tok kind;
  size_t begin, end;  // kString: the content, quotes excluded
  char quote = 0;     // kString: the quote; kPunct: the operator's first char
  std::string_view op;  // kPunct: the operator text
};

bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || c == '@' || c == '.' || c == '-' || c >= 0x80;
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// A string literal starting at line[i] (a quote): its end, past the closing quote, or the
// line's end when unterminated. Backslash escapes in "…" and `…`; '…' too, as most
// languages but shell do (an escaped quote in shell is rare in credentials).
size_t StringEnd(std::string_view line, size_t i, size_t* content_end) {
  char q = line[i];
  size_t j = i + 1;
  while (j < line.size()) {
    if (line[j] == '\\' && j + 1 < line.size()) {
      j += 2;
      continue;
    }
    if (line[j] == q) {
      *content_end = j;
      return j + 1;
    }
    ++j;
  }
  *content_end = line.size();
  return line.size();
}

// Operators that matter for bindings, longest first.
constexpr std::string_view kOps[] = {"===", "!==", "||=", "==", "!=", ":=", "=>", "?=",
                                     "+=",  "->",  "::",  "<=", ">=", "</", "/>"};

std::vector<Token> Tokenize(std::string_view line) {
  std::vector<Token> toks;
  size_t i = 0;
  while (i < line.size() && toks.size() < 4 * kMaxBindings + 64) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (IsSpace(static_cast<char>(c)) || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') {
      size_t content_end = 0;
      size_t end = StringEnd(line, i, &content_end);
      toks.push_back({Tok::kString, i + 1, content_end, static_cast<char>(c), {}});
      i = end;
      continue;
    }
    if (IsWordByte(c)) {
      size_t j = i;
      while (j < line.size() && IsWordByte(static_cast<unsigned char>(line[j]))) ++j;
      // A trailing '.' or '-' belongs to the sentence or the expression, not the word.
      size_t end = j;
      while (end > i + 1 && (line[end - 1] == '.' || line[end - 1] == '-')) --end;
      toks.push_back({Tok::kWord, i, end, 0, {}});
      i = end;
      continue;
    }
    std::string_view op = line.substr(i, 1);
    for (std::string_view o : kOps) {
      if (line.substr(i, o.size()) == o) {
        op = line.substr(i, o.size());
        break;
      }
    }
    toks.push_back({Tok::kPunct, i, i + op.size(), static_cast<char>(c), op});
    i += op.size();
  }
  return toks;
}

// A bare value starting at line[i]: up to whitespace or a delimiter of the enclosing
// syntax. Returns its end (== i: no value).
size_t BareEnd(std::string_view line, size_t i) {
  size_t j = i;
  while (j < line.size()) {
    char c = line[j];
    if (IsSpace(c) || c == '\r' || c == '\n' || c == '"' || c == '\'' || c == '`' || c == ',' ||
        c == ';' || c == '(' || c == ')' || c == ']' || c == '}' || c == '<' || c == '>' ||
        c == '&' || c == '\\') {
      break;
    }
    ++j;
  }
  return j;
}

// True if the text after `end` continues an expression the value is part of.
bool CodeAfter(std::string_view line, size_t end) {
  while (end < line.size() && IsSpace(line[end])) ++end;
  if (end >= line.size()) return false;
  char c = line[end];
  if (c == '.' || c == '(' || c == '[' || c == '+' || c == '%' || c == '?') return true;
  return false;
}

// Words that open a control-flow construct, not a call: `if (`, `while (`.
bool IsControlWord(std::string_view w) {
  static constexpr std::string_view kWords[] = {"if",     "while", "for",   "switch", "catch",
                                                "return", "elif",  "and",   "or",     "not",
                                                "in",     "when",  "unless", "foreach"};
  return std::find(std::begin(kWords), std::end(kWords), w) != std::end(kWords);
}

struct Builder {
  std::string_view line;
  std::vector<Binding> out;

  void Add(std::string_view name, size_t vb, size_t ve, BindingKind kind, char quote, int arg,
           bool code_after) {
    if (out.size() >= kMaxBindings || name.empty() || ve <= vb) return;
    for (const Binding& b : out) {
      if (b.value_begin == vb && b.value_end == ve) return;  // one binding per value
    }
    out.push_back({name, vb, ve, kind, quote, arg, code_after});
  }

  // The value that starts at line[pos] (after an operator): a string literal or a bare run.
  void AddValueAt(std::string_view name, size_t pos, BindingKind kind) {
    while (pos < line.size() && IsSpace(line[pos])) ++pos;
    if (pos >= line.size()) return;
    char c = line[pos];
    if (c == '"' || c == '\'' || c == '`') {
      size_t content_end = 0;
      size_t end = StringEnd(line, pos, &content_end);
      Add(name, pos + 1, content_end, kind, c, -1, CodeAfter(line, end));
      return;
    }
    // Ruby/Python prefixes: b"…", r'…', f"…", u"…", @"…" (Objective-C, C#).
    if ((c == 'b' || c == 'r' || c == 'f' || c == 'u' || c == '@') && pos + 1 < line.size() &&
        (line[pos + 1] == '"' || line[pos + 1] == '\'')) {
      size_t content_end = 0;
      size_t end = StringEnd(line, pos + 1, &content_end);
      Add(name, pos + 2, content_end, kind, line[pos + 1], -1, CodeAfter(line, end));
      return;
    }
    size_t end = BareEnd(line, pos);
    // A trailing `.` ends a sentence in prose, not the value.
    while (end > pos + 1 && line[end - 1] == '.') --end;
    Add(name, pos, end, kind, 0, -1, end < line.size() && line[end] == '(');
  }

  // name=value pairs inside [b, e) of the line (a string's content or a bare value):
  // `a=1&api_key=x`, `Server=h;Password=x;`, `USER=u\nPASS=x`.
  void AddInner(size_t b, size_t e) {
    size_t i = b;
    while (i < e && out.size() < kMaxBindings) {
      // A name: letters, digits, `_.-`, starting with a letter or `_`.
      char c = line[i];
      bool start = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      bool boundary = i == b || !IsWordByte(static_cast<unsigned char>(line[i - 1])) ||
                      (i >= b + 2 && line[i - 2] == '\\');
      if (!start || !boundary) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < e && (IsWordByte(static_cast<unsigned char>(line[j])) && line[j] != '$' &&
                       line[j] != '@')) {
        ++j;
      }
      size_t k = j;
      while (k < e && IsSpace(line[k])) ++k;
      if (k < e && (line[k] == '=' || line[k] == ':') && k + 1 < e && line[k + 1] != '=' &&
          line[k + 1] != '/') {
        size_t vb = k + 1;
        while (vb < e && IsSpace(line[vb])) ++vb;
        size_t ve = vb;
        while (ve < e && !IsSpace(line[ve]) && line[ve] != '&' && line[ve] != ';' &&
               line[ve] != ',' && line[ve] != '\\' && line[ve] != '"' && line[ve] != '\'' &&
               line[ve] != '<' && line[ve] != '>' && line[ve] != ')' && line[ve] != '}') {
          ++ve;
        }
        Add(line.substr(i, j - i), vb, ve, BindingKind::kInString, 0, -1, false);
        i = std::max(ve, j);
        continue;
      }
      i = j;
    }
  }
};

BindingKind KindOf(std::string_view op) {
  if (op == ":") return BindingKind::kColon;
  if (op == "=>") return BindingKind::kArrow;
  if (op == "==" || op == "===" || op == "!=" || op == "!==") return BindingKind::kCompare;
  return BindingKind::kAssign;
}

bool IsBindOp(std::string_view op) {
  return op == "=" || op == ":" || op == ":=" || op == "=>" || op == "?=" || op == "||=" ||
         op == "+=";
}

bool IsCompareOp(std::string_view op) {
  return op == "==" || op == "===" || op == "!=" || op == "!==";
}

bool IsPunct(const Token& t, std::string_view op) { return t.kind == Tok::kPunct && t.op == op; }

}  // namespace

std::vector<Binding> FindBindings(std::string_view line) {
  std::vector<Token> t = Tokenize(line);
  Builder b{line, {}};
  auto text = [&](const Token& tok) { return line.substr(tok.begin, tok.end - tok.begin); };

  // The name left of the operator at t[i]: a word, a string (JSON keys), or a subscript
  // (`$cfg['key'] =`, `ENV["TOKEN"] ||=`).
  auto name_before = [&](size_t i) -> std::string_view {
    if (i == 0) return {};
    const Token& p = t[i - 1];
    if (p.kind == Tok::kWord || p.kind == Tok::kString) return text(p);
    if (IsPunct(p, "]") && i >= 3 && IsPunct(t[i - 3], "[") &&
        (t[i - 2].kind == Tok::kString || t[i - 2].kind == Tok::kWord)) {
      return text(t[i - 2]);
    }
    return {};
  };

  struct Call {
    std::string_view callee;
    int arg = 0;
  };
  std::vector<Call> calls;

  for (size_t i = 0; i < t.size() && b.out.size() < kMaxBindings; ++i) {
    const Token& tok = t[i];
    if (tok.kind == Tok::kPunct) {
      std::string_view op = tok.op;
      if (op == "(") {
        std::string_view callee;
        if (i > 0 && t[i - 1].kind == Tok::kWord && !IsControlWord(text(t[i - 1]))) {
          callee = text(t[i - 1]);
        }
        if (calls.size() < 32) calls.push_back({callee, 0});
      } else if (op == ")") {
        if (!calls.empty()) calls.pop_back();
      } else if (op == ",") {
        if (!calls.empty()) ++calls.back().arg;
      } else if (IsBindOp(op)) {
        std::string_view name = name_before(i);
        if (!name.empty()) {
          BindingKind kind = KindOf(op);
          if ((name[0] == '-' && name.size() > 1) || (i >= 2 && IsPunct(t[i - 2], "/") && op == ":")) {
            kind = BindingKind::kFlag;
          }
          b.AddValueAt(name, tok.end, kind);
        }
      } else if (IsCompareOp(op)) {
        std::string_view name = name_before(i);
        if (!name.empty() && i + 1 < t.size() && t[i + 1].kind == Tok::kString) {
          b.Add(name, t[i + 1].begin, t[i + 1].end, BindingKind::kCompare, t[i + 1].quote, -1, false);
        } else if (i > 0 && t[i - 1].kind == Tok::kString && i + 1 < t.size() &&
                   t[i + 1].kind == Tok::kWord) {
          b.Add(text(t[i + 1]), t[i - 1].begin, t[i - 1].end, BindingKind::kCompare, t[i - 1].quote,
                -1, false);
        }
      } else if (op == "<" && i + 2 < t.size() && t[i + 1].kind == Tok::kWord && IsPunct(t[i + 2], ">")) {
        // <name>value</name>
        size_t vb = t[i + 2].end;
        size_t ve = line.find('<', vb);
        if (ve != std::string_view::npos && line.substr(ve, 2) == "</") {
          size_t a = vb, z = ve;
          while (a < z && IsSpace(line[a])) ++a;
          while (z > a && IsSpace(line[z - 1])) --z;
          b.Add(text(t[i + 1]), a, z, BindingKind::kXmlElement, 0, -1, false);
        }
      }
      continue;
    }
    const bool next_is_op = i + 1 < t.size() && t[i + 1].kind == Tok::kPunct &&
                            (IsBindOp(t[i + 1].op) || IsCompareOp(t[i + 1].op));
    if (tok.kind == Tok::kString) {
      // A positional argument: the whole argument is this literal.
      bool prev_open = i > 0 && (IsPunct(t[i - 1], "(") || IsPunct(t[i - 1], ","));
      bool next_close = i + 1 >= t.size() || IsPunct(t[i + 1], ")") || IsPunct(t[i + 1], ",");
      if (!calls.empty() && !calls.back().callee.empty() && prev_open && next_close) {
        b.Add(calls.back().callee, tok.begin, tok.end, BindingKind::kCallArg, tok.quote,
              calls.back().arg, false);
      }
      // `name "value"` (nginx, Apache, HCL blocks without `=`) and `-p "value"`.
      if (i > 0 && t[i - 1].kind == Tok::kWord && !next_is_op) {
        std::string_view w = text(t[i - 1]);
        bool flag = w.size() > 1 && w[0] == '-';
        b.Add(w, tok.begin, tok.end, flag ? BindingKind::kFlag : BindingKind::kSpace, tok.quote, -1,
              CodeAfter(line, tok.end + 1));
      }
      if (tok.end > tok.begin) b.AddInner(tok.begin, tok.end);
      continue;
    }
    // A word.
    if (i > 0 && t[i - 1].kind == Tok::kWord && !next_is_op) {
      std::string_view w = text(t[i - 1]);
      // `-p value`, `--password value`: the flag's value is the next word.
      if (w.size() > 1 && w[0] == '-' && text(tok)[0] != '-') {
        size_t end = BareEnd(line, tok.begin);
        b.Add(w, tok.begin, std::max(end, tok.end), BindingKind::kFlag, 0, -1, false);
      } else if (i == 1 && text(tok)[0] != '-') {
        // `requirepass value` at the start of a line (a directive and its argument).
        size_t end = BareEnd(line, tok.begin);
        if (end >= line.size() || line[end] == ';' || IsSpace(line[end]) || line[end] == '\r') {
          b.Add(w, tok.begin, std::max(end, tok.end), BindingKind::kSpace, 0, -1, false);
        }
      }
    }
    if (text(tok).find('=') == std::string_view::npos) continue;
  }

  // <add key="ApiKey" value="x"/>, name="password" value="x": the value is bound to the
  // name that a sibling attribute gives.
  for (size_t i = 0; i < b.out.size(); ++i) {
    Binding& v = b.out[i];
    std::string lower;
    for (char c : v.name) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    if (lower != "value" && lower != "content" && lower != "defaultvalue" && lower != "default") continue;
    for (size_t j = i; j-- > 0;) {
      const Binding& k = b.out[j];
      std::string kl;
      for (char c : k.name) kl += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      if (kl == "key" || kl == "name" || kl == "id" || kl == "property" || kl == "param") {
        v.name = line.substr(k.value_begin, k.value_end - k.value_begin);
        break;
      }
    }
  }
  // Bare values may hold pairs too (`DSN=host=h;password=x`).
  size_t n = b.out.size();
  for (size_t i = 0; i < n; ++i) {
    if (b.out[i].quote == 0 && b.out[i].kind != BindingKind::kInString &&
        line.substr(b.out[i].value_begin, b.out[i].value_end - b.out[i].value_begin).find('=') !=
            std::string_view::npos) {
      b.AddInner(b.out[i].value_begin, b.out[i].value_end);
    }
  }
  std::sort(b.out.begin(), b.out.end(),
            [](const Binding& x, const Binding& y) { return x.value_begin < y.value_begin; });
  return b.out;
}

}  // namespace keyhole::analyze
