#include "analyze/credential_files.h"

#include <algorithm>

#include "analyze/placeholder.h"
#include "core/text.h"

namespace keyhole::analyze {

namespace {

std::string_view BaseName(std::string_view path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The line of `data` around `offset`, for the reference test: at most 2 KiB either side
// (a one-line state file of 20,000 values was lower-cased whole for each of them).
std::string_view LineAt(std::string_view data, size_t offset) {
  constexpr size_t kReach = 2048;
  const size_t lo = offset > kReach ? offset - kReach : 0;
  size_t b = offset;
  while (b > lo && data[b - 1] != '\n') --b;
  const size_t hi = std::min(data.size(), offset + kReach);
  size_t e = offset;
  while (e < hi && data[e] != '\n') ++e;
  return data.substr(b, e - b);
}

// A value that is a password: non-empty, not a placeholder, not a reference.
bool IsRealValue(std::string_view data, size_t begin, size_t end) {
  std::string_view v = data.substr(begin, end - begin);
  if (v.empty()) return false;
  return !IsPlaceholder(v) && !IsReference(v, LineAt(data, begin));
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// --- .netrc -------------------------------------------------------------------------
// Whitespace-separated tokens: `machine NAME` / `default` start an entry; `login`,
// `password`, `account` take a value; `macdef NAME` runs to the next empty line.
// Comments start with `#` (a common extension). Values may be double-quoted.

struct Token {
  size_t begin, end;
};

std::vector<Token> NetrcTokens(std::string_view d) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < d.size()) {
    if (IsSpace(d[i])) {
      ++i;
      continue;
    }
    if (d[i] == '#') {
      while (i < d.size() && d[i] != '\n') ++i;
      continue;
    }
    if (d[i] == '"') {
      size_t b = ++i;
      while (i < d.size() && d[i] != '"' && d[i] != '\n') i += d[i] == '\\' ? 2 : 1;
      i = std::min(i, d.size());
      out.push_back({b, i});
      if (i < d.size() && d[i] == '"') ++i;
      continue;
    }
    size_t b = i;
    while (i < d.size() && !IsSpace(d[i])) ++i;
    out.push_back({b, i});
  }
  return out;
}

// --- .pgpass ------------------------------------------------------------------------
// hostname:port:database:username:password, one per line; `\:` and `\\` escape.

std::vector<std::pair<size_t, size_t>> PgpassFields(std::string_view d, size_t b, size_t e) {
  std::vector<std::pair<size_t, size_t>> fields;
  size_t start = b;
  for (size_t i = b; i < e; ++i) {
    if (d[i] == '\\') {
      ++i;
    } else if (d[i] == ':') {
      fields.emplace_back(start, i);
      start = i + 1;
    }
  }
  fields.emplace_back(start, e);
  return fields;
}

// --- Terraform state ----------------------------------------------------------------
// JSON: resources[].instances[].attributes (any depth) and outputs marked sensitive.
// Read with a small iterative tokenizer that keeps byte offsets: no recursion (a state
// file with 60,000 nested arrays once overflowed the stack), and each value is located
// where it is rather than searched for (which was quadratic in the number of values).

bool SecretAttribute(std::string_view key) {
  std::string k = AsciiLower(key);
  static constexpr std::string_view kSuffixes[] = {
      "password",   "secret",     "private_key", "private_key_pem", "private_key_openssh",
      "access_key", "secret_key", "api_key",     "token",           "connection_string",
      "auth_key",
  };
  for (std::string_view s : kSuffixes) {
    if (EndsWith(k, s)) return true;
  }
  return false;
}

// A JSON string's raw contents [begin, end) (between the quotes), decoded enough for key
// comparison: simple escapes and ASCII \u escapes.
std::string DecodeKey(std::string_view raw) {
  if (raw.find('\\') == std::string_view::npos) return std::string(raw);
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 == raw.size()) {
      out += raw[i];
      continue;
    }
    char c = raw[++i];
    if (c == 'u') {
      unsigned v = 0;
      bool ok = i + 4 < raw.size();
      for (size_t k = 1; ok && k <= 4; ++k) {
        char h = raw[i + k];
        v <<= 4;
        if (h >= '0' && h <= '9') v |= static_cast<unsigned>(h - '0');
        else if (h >= 'a' && h <= 'f') v |= static_cast<unsigned>(h - 'a' + 10);
        else if (h >= 'A' && h <= 'F') v |= static_cast<unsigned>(h - 'A' + 10);
        else ok = false;
      }
      if (ok && v < 0x80) {
        out += static_cast<char>(v);
        i += 4;
      } else {
        out += "\\u";  // not ASCII: kept escaped (no key we look for has it)
      }
      continue;
    }
    switch (c) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      default: out += c;  // \" \\ \/
    }
  }
  return out;
}

// One open container of the document, with what the reader needs to know about it.
struct TfFrame {
  bool object = false;
  std::string key;          // the key whose value is being read (objects)
  bool expect_key = true;   // objects: the next string is a key
  // Where this container sits: 0 other, 1 the root, 2 "resources" array, 3 a resource,
  // 4 an "instances" array, 5 an instance, 6 inside "attributes", 7 "outputs", 8 an output.
  int role = 0;
  size_t first_hit = 0;     // resources: index into out of the first hit inside it
  std::string type, name;   // resources: "type" and "name"
  bool sensitive = false;   // outputs: "sensitive": true
  size_t value_b = 0, value_e = 0;  // outputs: the string "value", if any
  bool has_value = false;
};

int ChildRole(const TfFrame& parent) {
  switch (parent.role) {
    case 1:
      if (parent.key == "resources") return 2;
      if (parent.key == "outputs") return 7;
      return 0;
    case 2: return 3;
    case 3: return parent.key == "instances" ? 4 : 0;
    case 4: return 5;
    case 5: return parent.key == "attributes" ? 6 : 0;
    case 6: return 6;
    case 7: return 8;
    default: return 0;
  }
}

}  // namespace

std::vector<CredentialHit> ReadTerraformState(std::string_view data) {
  std::vector<CredentialHit> out;
  std::vector<TfFrame> stack;
  size_t i = 0;
  const size_t n = data.size();
  auto skip_space = [&] {
    while (i < n && IsSpace(data[i])) ++i;
  };
  // After a value in the current container: an object's next string is a key again.
  auto value_done = [&] {
    if (!stack.empty() && stack.back().object) stack.back().expect_key = true;
  };
  while (true) {
    skip_space();
    if (i >= n) break;
    const char c = data[i];
    if (c == '{' || c == '[') {
      TfFrame f;
      f.object = c == '{';
      f.role = stack.empty() ? (f.object ? 1 : 0) : ChildRole(stack.back());
      if (f.role == 3) f.first_hit = out.size();
      // Shapes other than the known ones are walked but not interpreted.
      if (f.object != (f.role == 1 || f.role == 3 || f.role == 5 || f.role == 6 || f.role == 7 || f.role == 8) &&
          f.role != 6) {
        f.role = 0;
      }
      stack.push_back(std::move(f));
      ++i;
      continue;
    }
    if (c == '}' || c == ']') {
      if (stack.empty()) break;
      TfFrame f = std::move(stack.back());
      stack.pop_back();
      if (f.role == 3) {
        for (size_t h = f.first_hit; h < out.size(); ++h) {
          if (!f.type.empty()) out[h].facts["resource_type"] = f.type;
          if (!f.name.empty()) out[h].facts["resource_name"] = f.name;
        }
      } else if (f.role == 8 && f.sensitive && f.has_value && IsRealValue(data, f.value_b, f.value_e)) {
        out.push_back({"terraform-state-secret", "Secret in Terraform state", Severity::kHigh, f.value_b,
                       f.value_e, {{"output", stack.empty() ? std::string() : stack.back().key}}});
      }
      ++i;
      if (stack.empty()) break;  // the document is complete
      value_done();
      continue;
    }
    if (c == ',' || c == ':') {
      ++i;
      continue;
    }
    if (c == '"') {
      const size_t b = ++i;
      while (i < n && data[i] != '"') i += data[i] == '\\' ? 2 : 1;
      if (i >= n) return {};  // unterminated: not JSON
      const size_t e = i++;
      if (stack.empty()) break;
      TfFrame& top = stack.back();
      if (top.object && top.expect_key) {
        top.key = DecodeKey(data.substr(b, e - b));
        top.expect_key = false;
        continue;
      }
      if (top.object) {
        if (top.role == 6 && SecretAttribute(top.key) && IsRealValue(data, b, e)) {
          CredentialHit hit{"terraform-state-secret", "Secret in Terraform state", Severity::kHigh, b, e,
                            nlohmann::json::object()};
          hit.facts["attribute"] = top.key;
          out.push_back(std::move(hit));
        } else if (top.role == 3 && top.key == "type") {
          top.type = DecodeKey(data.substr(b, e - b));
        } else if (top.role == 3 && top.key == "name") {
          top.name = DecodeKey(data.substr(b, e - b));
        } else if (top.role == 8 && top.key == "value") {
          top.value_b = b;
          top.value_e = e;
          top.has_value = true;
        }
      }
      value_done();
      continue;
    }
    // A number or a literal.
    const size_t b = i;
    while (i < n && !IsSpace(data[i]) && data[i] != ',' && data[i] != '}' && data[i] != ']' && data[i] != ':') ++i;
    if (i == b) return {};  // a byte that starts nothing: not JSON
    if (!stack.empty()) {
      TfFrame& top = stack.back();
      if (top.object && top.role == 8 && top.key == "sensitive") top.sensitive = data.substr(b, i - b) == "true";
    }
    value_done();
  }
  if (!stack.empty()) return {};  // truncated
  std::sort(out.begin(), out.end(),
            [](const CredentialHit& a, const CredentialHit& b) { return a.begin < b.begin; });
  return out;
}


std::vector<CredentialHit> ReadNetrc(std::string_view data) {
  std::vector<CredentialHit> out;
  std::vector<Token> toks = NetrcTokens(data);
  std::string machine, login;
  for (size_t i = 0; i < toks.size(); ++i) {
    std::string_view t = data.substr(toks[i].begin, toks[i].end - toks[i].begin);
    bool has_value = i + 1 < toks.size();
    if (t == "machine" && has_value) {
      machine = std::string(data.substr(toks[i + 1].begin, toks[i + 1].end - toks[i + 1].begin));
      login.clear();
      ++i;
    } else if (t == "default") {
      machine = "default";
      login.clear();
    } else if (t == "login" && has_value) {
      login = std::string(data.substr(toks[i + 1].begin, toks[i + 1].end - toks[i + 1].begin));
      ++i;
    } else if ((t == "password" || t == "account") && has_value) {
      const Token& v = toks[i + 1];
      ++i;
      if (t != "password" || !IsRealValue(data, v.begin, v.end)) continue;
      CredentialHit hit{
          "netrc-password", "Password in a .netrc file", Severity::kHigh, v.begin, v.end, {}};
      hit.facts = nlohmann::json::object();
      if (!machine.empty()) hit.facts["machine"] = machine;
      if (!login.empty()) hit.facts["login"] = login;
      out.push_back(std::move(hit));
    } else if (t == "macdef") {
      // A macro body runs to the next empty line: skip its tokens.
      size_t body = data.find("\n\n", toks[i].end);
      while (i + 1 < toks.size() && (body == std::string_view::npos || toks[i + 1].begin < body))
        ++i;
    }
  }
  return out;
}

std::vector<CredentialHit> ReadPgpass(std::string_view data) {
  std::vector<CredentialHit> out;
  size_t b = 0;
  while (b < data.size()) {
    size_t e = data.find('\n', b);
    if (e == std::string_view::npos) e = data.size();
    size_t le = e;
    if (le > b && data[le - 1] == '\r') --le;
    if (le > b && data[b] != '#') {
      auto fields = PgpassFields(data, b, le);
      if (fields.size() == 5) {
        auto [pb, pe] = fields[4];
        if (IsRealValue(data, pb, pe)) {
          CredentialHit hit{
              "pgpass-password", "Password in a .pgpass file", Severity::kHigh, pb, pe, {}};
          hit.facts = {
              {"host",
               std::string(data.substr(fields[0].first, fields[0].second - fields[0].first))},
              {"user",
               std::string(data.substr(fields[3].first, fields[3].second - fields[3].first))}};
          out.push_back(std::move(hit));
        }
      }
    }
    b = e + 1;
  }
  return out;
}

bool HasCredentialReader(std::string_view path) {
  std::string_view name = BaseName(path);
  return name == ".netrc" || name == "_netrc" || name == ".pgpass" || name == "pgpass.conf" ||
         EndsWith(name, ".tfstate") || EndsWith(name, ".tfstate.backup");
}

std::vector<CredentialHit> ReadCredentialFile(std::string_view path, std::string_view data) {
  std::string_view name = BaseName(path);
  if (name == ".netrc" || name == "_netrc") return ReadNetrc(data);
  if (name == ".pgpass" || name == "pgpass.conf") return ReadPgpass(data);
  if (EndsWith(name, ".tfstate") || EndsWith(name, ".tfstate.backup"))
    return ReadTerraformState(data);
  return {};
}

}  // namespace keyhole::analyze
