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

// The line of `data` around `offset`, for the reference test.
std::string_view LineAt(std::string_view data, size_t offset) {
  size_t b = data.rfind('\n', offset == 0 ? 0 : offset - 1);
  b = b == std::string_view::npos ? 0 : b + 1;
  if (offset == 0) b = 0;
  size_t e = data.find('\n', offset);
  if (e == std::string_view::npos) e = data.size();
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

struct TfContext {
  std::string_view data;
  std::vector<CredentialHit>* out;
  size_t cursor = 0;  // search position: values are found in document order
};

// Finds `"key": <value as JSON>` in the text from the cursor; returns the value's
// string contents (between the quotes).
bool LocateValue(TfContext& ctx, const std::string& key, const std::string& value, size_t* b,
                 size_t* e) {
  std::string quoted_key = nlohmann::json(key).dump();
  std::string quoted_value = nlohmann::json(value).dump();
  for (size_t from : {ctx.cursor, size_t{0}}) {
    size_t pos = from;
    while ((pos = ctx.data.find(quoted_key, pos)) != std::string_view::npos) {
      size_t i = pos + quoted_key.size();
      while (i < ctx.data.size() && IsSpace(ctx.data[i])) ++i;
      if (i < ctx.data.size() && ctx.data[i] == ':') {
        ++i;
        while (i < ctx.data.size() && IsSpace(ctx.data[i])) ++i;
        if (ctx.data.compare(i, quoted_value.size(), quoted_value) == 0) {
          *b = i + 1;
          *e = i + quoted_value.size() - 1;
          ctx.cursor = *e;
          return true;
        }
      }
      pos += quoted_key.size();
    }
  }
  return false;
}

void WalkAttributes(TfContext& ctx, const nlohmann::json& node, const nlohmann::json& facts) {
  if (node.is_array()) {
    for (const auto& v : node) WalkAttributes(ctx, v, facts);
    return;
  }
  if (!node.is_object()) return;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const nlohmann::json& v = it.value();
    if (v.is_string() && SecretAttribute(it.key())) {
      const std::string& s = v.get_ref<const std::string&>();
      size_t b, e;
      if (!LocateValue(ctx, it.key(), s, &b, &e) || !IsRealValue(ctx.data, b, e)) continue;
      CredentialHit hit{
          "terraform-state-secret", "Secret in Terraform state", Severity::kHigh, b, e, facts};
      hit.facts["attribute"] = it.key();
      ctx.out->push_back(std::move(hit));
    } else if (v.is_structured()) {
      WalkAttributes(ctx, v, facts);
    }
  }
}

}  // namespace

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

std::vector<CredentialHit> ReadTerraformState(std::string_view data) {
  std::vector<CredentialHit> out;
  nlohmann::json doc =
      nlohmann::json::parse(data.begin(), data.end(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return out;
  TfContext ctx{data, &out};
  if (auto res = doc.find("resources"); res != doc.end() && res->is_array()) {
    for (const auto& r : *res) {
      if (!r.is_object()) continue;
      nlohmann::json facts = nlohmann::json::object();
      if (r.contains("type") && r["type"].is_string()) facts["resource_type"] = r["type"];
      if (r.contains("name") && r["name"].is_string()) facts["resource_name"] = r["name"];
      auto inst = r.find("instances");
      if (inst == r.end() || !inst->is_array()) continue;
      for (const auto& i : *inst) {
        if (i.is_object() && i.contains("attributes")) WalkAttributes(ctx, i["attributes"], facts);
      }
    }
  }
  if (auto outs = doc.find("outputs"); outs != doc.end() && outs->is_object()) {
    for (auto it = outs->begin(); it != outs->end(); ++it) {
      const nlohmann::json& o = it.value();
      if (!o.is_object() || !o.value("sensitive", false)) continue;
      auto v = o.find("value");
      if (v == o.end() || !v->is_string()) continue;
      size_t b, e;
      const std::string& s = v->get_ref<const std::string&>();
      if (!LocateValue(ctx, "value", s, &b, &e) || !IsRealValue(data, b, e)) continue;
      out.push_back({"terraform-state-secret",
                     "Secret in Terraform state",
                     Severity::kHigh,
                     b,
                     e,
                     {{"output", it.key()}}});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const CredentialHit& a, const CredentialHit& b) { return a.begin < b.begin; });
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
