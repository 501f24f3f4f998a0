#include "concord/pattern/parser.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "concord/pattern/lexer.h"

namespace concord::pattern {
namespace {

// Upper-case spellings of the keywords, for "keywords are upper case" hints.
constexpr std::string_view kKeywordSpellings[] = {
    "AND",  "OR", "NOT",   "FOLLOWEDBY", "LIKE",    "MATCHES", "ISSUBSET", "ISSUPERSET", "EXISTS",
    "LAST", "IN", "START", "STOP",       "SECONDS", "WITHIN",  "REPEATS",  "TIMES"};

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

class Parser {
 public:
  Parser(std::string_view source, std::vector<Token> tokens, const PatternLimits& limits)
      : source_(source), tokens_(std::move(tokens)), limits_(limits) {
    pattern_.source = std::string(source);
  }

  Result<Pattern> Run() {
    CONCORD_ASSIGN_OR_RETURN(uint32_t root, ObsFollowedBy());
    if (Peek().kind != TokenKind::kEnd) {
      return Expected(
          "AND, OR, FOLLOWEDBY, a qualifier (WITHIN, REPEATS, START) or the end of the pattern");
    }
    pattern_.root = root;
    pattern_.height = heights_[root];
    return std::move(pattern_);
  }

 private:
  const Token& Peek() const { return tokens_[index_]; }
  const Token& Take() {
    const Token& t = tokens_[index_];
    if (t.kind != TokenKind::kEnd) ++index_;
    return t;
  }
  bool Accept(TokenKind kind) {
    if (Peek().kind != kind) return false;
    Take();
    return true;
  }

  // "position N: expected <what>, found <token>" for the next token, with a hint when the
  // token looks like a mistyped keyword or boolean.
  Status Expected(std::string_view what) const {
    const Token& t = Peek();
    std::string message = "expected ";
    message.append(what);
    message += ", found ";
    message += DescribeToken(source_, t);
    if (t.kind == TokenKind::kIdentifier) {
      const std::string upper = ToUpper(t.text);
      if (std::find(std::begin(kKeywordSpellings), std::end(kKeywordSpellings), upper) !=
          std::end(kKeywordSpellings)) {
        message += " (keywords are written in upper case: " + upper + ")";
      } else if (upper == "TRUE" || upper == "FALSE") {
        message += " (the booleans are written in lower case: true, false)";
      }
    }
    return ErrorAt(StatusCode::kInvalidArgument, source_, t.pos, message);
  }

  Status TooDeep(uint32_t pos) const {
    return ErrorAt(StatusCode::kResourceExhausted, source_, pos,
                   "the pattern nests deeper than " + std::to_string(limits_.max_depth) +
                       " levels (brackets, parentheses and qualifiers)");
  }

  // Adds a node; its height is one more than its tallest child's.
  Result<uint32_t> AddNode(Node node) {
    uint32_t height = 1;
    for (uint32_t child : node.children) height = std::max(height, heights_[child] + 1);
    if (height > limits_.max_depth + 2) return TooDeep(node.pos);
    pattern_.nodes.push_back(std::move(node));
    heights_.push_back(height);
    return static_cast<uint32_t>(pattern_.nodes.size() - 1);
  }

  uint32_t AddLiteral(Literal literal) {
    pattern_.literals.push_back(std::move(literal));
    return static_cast<uint32_t>(pattern_.literals.size() - 1);
  }

  // Parses `operand (op operand)*` and returns one node: the operand alone, or a `kind` node
  // with all operands as children.
  template <typename Operand>
  Result<uint32_t> Chain(TokenKind op, NodeKind kind, Operand operand) {
    CONCORD_ASSIGN_OR_RETURN(uint32_t first, (this->*operand)());
    if (Peek().kind != op) return first;
    Node node;
    node.kind = kind;
    node.pos = pattern_.nodes[first].pos;
    node.children.push_back(first);
    while (Accept(op)) {
      CONCORD_ASSIGN_OR_RETURN(uint32_t next, (this->*operand)());
      node.children.push_back(next);
    }
    return AddNode(std::move(node));
  }

  Result<uint32_t> ObsFollowedBy() {
    return Chain(TokenKind::kFollowedBy, NodeKind::kFollowedBy, &Parser::ObsOr);
  }
  Result<uint32_t> ObsOr() { return Chain(TokenKind::kOr, NodeKind::kObsOr, &Parser::ObsAnd); }
  Result<uint32_t> ObsAnd() {
    return Chain(TokenKind::kAnd, NodeKind::kObsAnd, &Parser::ObsQualified);
  }

  Result<uint32_t> ObsQualified() {
    CONCORD_ASSIGN_OR_RETURN(uint32_t node, ObsPrimary());
    for (;;) {
      const Token& t = Peek();
      Node q;
      q.pos = t.pos;
      q.children.push_back(node);
      if (t.kind == TokenKind::kWithin) {
        Take();
        q.kind = NodeKind::kWithin;
        const Token& n = Peek();
        Literal lit;
        lit.pos = n.pos;
        lit.end = n.end;
        if (n.kind == TokenKind::kInt) {
          lit.kind = LiteralKind::kInt;
          lit.int_value = n.int_value;
        } else if (n.kind == TokenKind::kFloat) {
          lit.kind = LiteralKind::kFloat;
          lit.float_value = n.float_value;
        } else {
          return Expected("a number of seconds after WITHIN");
        }
        Take();
        q.literal = AddLiteral(std::move(lit));
        if (!Accept(TokenKind::kSeconds)) {
          return Expected("SECONDS after the WITHIN value (seconds are the only unit)");
        }
      } else if (t.kind == TokenKind::kRepeats) {
        Take();
        q.kind = NodeKind::kRepeats;
        const Token& n = Peek();
        if (n.kind != TokenKind::kInt) return Expected("a whole number after REPEATS");
        Literal lit;
        lit.kind = LiteralKind::kInt;
        lit.pos = n.pos;
        lit.end = n.end;
        lit.int_value = n.int_value;
        Take();
        q.literal = AddLiteral(std::move(lit));
        if (!Accept(TokenKind::kTimes)) return Expected("TIMES after the REPEATS count");
      } else if (t.kind == TokenKind::kStart) {
        Take();
        q.kind = NodeKind::kStartStop;
        CONCORD_ASSIGN_OR_RETURN(q.literal, QualifierTimestamp("START"));
        if (!Accept(TokenKind::kStop)) return Expected("STOP after the START timestamp");
        CONCORD_ASSIGN_OR_RETURN(q.literal2, QualifierTimestamp("STOP"));
      } else {
        return node;
      }
      CONCORD_ASSIGN_OR_RETURN(node, AddNode(std::move(q)));
    }
  }

  // The timestamp after START or STOP: t'...' or, as STIX 2.0 wrote it, '...'.
  Result<uint32_t> QualifierTimestamp(std::string_view keyword) {
    const Token& t = Peek();
    Literal lit;
    lit.kind = LiteralKind::kTimestamp;
    lit.pos = t.pos;
    lit.end = t.end;
    if (t.kind == TokenKind::kTimestamp) {
      lit.timestamp = t.timestamp.instant;
      lit.fraction_digits = t.timestamp.fraction_digits;
    } else if (t.kind == TokenKind::kString) {
      Result<ParsedTimestamp> ts = ParseTimestamp(t.text, TimestampSyntax{.allow_offset = true});
      if (!ts.ok()) {
        return ErrorAt(StatusCode::kInvalidArgument, source_, t.pos,
                       std::string("the ") + std::string(keyword) +
                           " value is not a valid timestamp: " + ts.status().message());
      }
      lit.timestamp = ts->instant;
      lit.fraction_digits = ts->fraction_digits;
    } else {
      return Expected("a timestamp t'...' after " + std::string(keyword));
    }
    Take();
    return AddLiteral(std::move(lit));
  }

  Result<uint32_t> ObsPrimary() {
    const Token& t = Peek();
    if (t.kind == TokenKind::kLBracket) {
      const uint32_t open = t.pos;
      Take();
      if (++depth_ > limits_.max_depth) return TooDeep(open);
      CONCORD_ASSIGN_OR_RETURN(uint32_t inner, CmpOr());
      --depth_;
      if (!Accept(TokenKind::kRBracket)) {
        return Expected("']' to close the observation expression");
      }
      Node node;
      node.kind = NodeKind::kObservation;
      node.pos = open;
      node.children.push_back(inner);
      return AddNode(std::move(node));
    }
    if (t.kind == TokenKind::kLParen) {
      const uint32_t open = t.pos;
      Take();
      if (++depth_ > limits_.max_depth) return TooDeep(open);
      CONCORD_ASSIGN_OR_RETURN(uint32_t inner, ObsFollowedBy());
      --depth_;
      if (!Accept(TokenKind::kRParen)) {
        return Expected("')' to close the parenthesised observation expression");
      }
      pattern_.nodes[inner].parenthesized = true;
      return inner;
    }
    return Expected("'[' or '(' to start an observation expression");
  }

  Result<uint32_t> CmpOr() { return Chain(TokenKind::kOr, NodeKind::kOr, &Parser::CmpAnd); }
  Result<uint32_t> CmpAnd() { return Chain(TokenKind::kAnd, NodeKind::kAnd, &Parser::CmpPrimary); }

  Result<uint32_t> CmpPrimary() {
    const Token& t = Peek();
    if (t.kind == TokenKind::kLParen) {
      const uint32_t open = t.pos;
      Take();
      if (++depth_ > limits_.max_depth) return TooDeep(open);
      CONCORD_ASSIGN_OR_RETURN(uint32_t inner, CmpOr());
      --depth_;
      if (!Accept(TokenKind::kRParen)) {
        return Expected("')' to close the parenthesised comparison expression");
      }
      pattern_.nodes[inner].parenthesized = true;
      return inner;
    }
    if (t.kind == TokenKind::kNot) {
      return ErrorAt(StatusCode::kInvalidArgument, source_, t.pos,
                     "NOT goes between the object path and the operator (file:name NOT = "
                     "'a'), and EXISTS takes no NOT in STIX 2.1");
    }
    Node node;
    node.pos = t.pos;
    if (++comparisons_ > limits_.max_comparisons) {
      return ErrorAt(StatusCode::kResourceExhausted, source_, t.pos,
                     "the pattern has more than " + std::to_string(limits_.max_comparisons) +
                         " comparison expressions");
    }
    if (Accept(TokenKind::kExists)) {
      node.kind = NodeKind::kExists;
      CONCORD_ASSIGN_OR_RETURN(node.path, Path());
      return AddNode(std::move(node));
    }
    if (t.kind != TokenKind::kIdentifier) {
      return Expected("a comparison (object-type:property operator value), EXISTS or '('");
    }
    node.kind = NodeKind::kComparison;
    CONCORD_ASSIGN_OR_RETURN(node.path, Path());
    node.negated = Accept(TokenKind::kNot);
    const Token& op = Peek();
    switch (op.kind) {
      case TokenKind::kEq:
      case TokenKind::kNe: {
        node.op = op.kind == TokenKind::kEq ? CompareOp::kEq : CompareOp::kNe;
        Take();
        CONCORD_ASSIGN_OR_RETURN(node.literal, Primitive("a value after the operator", true));
        break;
      }
      case TokenKind::kLt:
      case TokenKind::kLe:
      case TokenKind::kGt:
      case TokenKind::kGe: {
        node.op = op.kind == TokenKind::kLt   ? CompareOp::kLt
                  : op.kind == TokenKind::kLe ? CompareOp::kLe
                  : op.kind == TokenKind::kGt ? CompareOp::kGt
                                              : CompareOp::kGe;
        Take();
        CONCORD_ASSIGN_OR_RETURN(node.literal, Primitive("a value after the operator", false));
        break;
      }
      case TokenKind::kIn: {
        node.op = CompareOp::kIn;
        Take();
        CONCORD_ASSIGN_OR_RETURN(node.literal, List());
        break;
      }
      case TokenKind::kLike:
      case TokenKind::kMatches:
      case TokenKind::kIsSubset:
      case TokenKind::kIsSuperset: {
        node.op = op.kind == TokenKind::kLike       ? CompareOp::kLike
                  : op.kind == TokenKind::kMatches  ? CompareOp::kMatches
                  : op.kind == TokenKind::kIsSubset ? CompareOp::kIsSubset
                                                    : CompareOp::kIsSuperset;
        Take();
        if (Peek().kind != TokenKind::kString) {
          return Expected("a string '...' after " + std::string(CompareOpText(node.op)));
        }
        CONCORD_ASSIGN_OR_RETURN(node.literal, Primitive("", false));
        break;
      }
      default:
        return Expected(node.negated
                            ? "a comparison operator after NOT"
                            : "a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, "
                              "ISSUBSET, ISSUPERSET) after the object path");
    }
    return AddNode(std::move(node));
  }

  // One literal value. `bool_allowed` is false after an ordering operator (true and false are
  // not orderable literals in the grammar).
  Result<uint32_t> Primitive(std::string_view what, bool bool_allowed) {
    const Token& t = Peek();
    Literal lit;
    lit.pos = t.pos;
    lit.end = t.end;
    switch (t.kind) {
      case TokenKind::kString:
        lit.kind = LiteralKind::kString;
        lit.bytes = t.text;
        break;
      case TokenKind::kInt:
        lit.kind = LiteralKind::kInt;
        lit.int_value = t.int_value;
        break;
      case TokenKind::kFloat:
        lit.kind = LiteralKind::kFloat;
        lit.float_value = t.float_value;
        break;
      case TokenKind::kTrue:
      case TokenKind::kFalse:
        if (!bool_allowed) {
          return ErrorAt(StatusCode::kInvalidArgument, source_, t.pos,
                         "true and false have no order; compare them with = or !=");
        }
        lit.kind = LiteralKind::kBool;
        lit.bool_value = t.kind == TokenKind::kTrue;
        break;
      case TokenKind::kTimestamp:
        lit.kind = LiteralKind::kTimestamp;
        lit.timestamp = t.timestamp.instant;
        lit.fraction_digits = t.timestamp.fraction_digits;
        break;
      case TokenKind::kBinary:
        lit.kind = LiteralKind::kBinary;
        lit.bytes = t.text;
        break;
      case TokenKind::kHex:
        lit.kind = LiteralKind::kHex;
        lit.bytes = t.text;
        break;
      default:
        return Expected(what);
    }
    Take();
    return AddLiteral(std::move(lit));
  }

  Result<uint32_t> List() {
    const Token& open = Peek();
    if (open.kind != TokenKind::kLParen) return Expected("'(' to start the list after IN");
    Literal list;
    list.kind = LiteralKind::kList;
    list.pos = open.pos;
    Take();
    if (Peek().kind != TokenKind::kRParen) {
      for (;;) {
        if (list.elements.size() >= limits_.max_list_elements) {
          return ErrorAt(
              StatusCode::kResourceExhausted, source_, Peek().pos,
              "the IN list has more than " + std::to_string(limits_.max_list_elements) + " values");
        }
        CONCORD_ASSIGN_OR_RETURN(uint32_t element, Primitive("a value in the IN list", true));
        list.elements.push_back(element);
        if (!Accept(TokenKind::kComma)) break;
      }
    }
    const Token& close = Peek();
    if (close.kind != TokenKind::kRParen) {
      return Expected("',' or ')' to continue or close the IN list");
    }
    list.end = close.end;
    Take();
    return AddLiteral(std::move(list));
  }

  Result<uint32_t> Path() {
    const Token& type = Peek();
    if (type.kind != TokenKind::kIdentifier) {
      return Expected("an object path (object-type:property)");
    }
    ObjectPath path;
    path.pos = type.pos;
    path.object_type = type.text;
    Take();
    if (!Accept(TokenKind::kColon)) {
      return Expected("':' after the object type '" + path.object_type + "'");
    }
    CONCORD_RETURN_IF_ERROR(KeyStep(&path, Peek().pos, "a property name after ':'"));
    for (;;) {
      const Token& t = Peek();
      if (t.kind == TokenKind::kDot) {
        const uint32_t pos = t.pos;
        Take();
        CONCORD_RETURN_IF_ERROR(KeyStep(&path, pos, "a property name or a quoted key after '.'"));
      } else if (t.kind == TokenKind::kLBracket) {
        PathStep step;
        step.pos = t.pos;
        Take();
        const Token& index = Peek();
        if (index.kind == TokenKind::kStar) {
          step.kind = PathStep::Kind::kAnyIndex;
        } else if (index.kind == TokenKind::kInt) {
          if (index.int_value < 0) {
            return ErrorAt(StatusCode::kInvalidArgument, source_, index.pos,
                           "a list index must not be negative");
          }
          step.kind = PathStep::Kind::kIndex;
          step.index = index.int_value;
        } else {
          return Expected("a list index or '*' after '['");
        }
        Take();
        if (!Accept(TokenKind::kRBracket)) return Expected("']' to close the list index");
        CONCORD_RETURN_IF_ERROR(AddStep(&path, std::move(step)));
      } else {
        break;
      }
    }
    pattern_.paths.push_back(std::move(path));
    return static_cast<uint32_t>(pattern_.paths.size() - 1);
  }

  Status KeyStep(ObjectPath* path, uint32_t pos, std::string_view what) {
    const Token& t = Peek();
    PathStep step;
    step.kind = PathStep::Kind::kKey;
    step.pos = pos;
    if (t.kind == TokenKind::kIdentifier) {
      if (t.has_hyphen) {
        return ErrorAt(StatusCode::kInvalidArgument, source_, t.pos,
                       "a property name or key containing '-' must be quoted: '" + t.text + "'");
      }
      step.key = t.text;
    } else if (t.kind == TokenKind::kString) {
      step.quoted = true;
      step.key = t.text;
    } else {
      return Expected(what);
    }
    Take();
    return AddStep(path, std::move(step));
  }

  Status AddStep(ObjectPath* path, PathStep step) {
    if (path->steps.size() >= limits_.max_path_steps) {
      return ErrorAt(
          StatusCode::kResourceExhausted, source_, step.pos,
          "the object path has more than " + std::to_string(limits_.max_path_steps) + " steps");
    }
    path->steps.push_back(std::move(step));
    return Status::Ok();
  }

  std::string_view source_;
  std::vector<Token> tokens_;
  const PatternLimits& limits_;
  size_t index_ = 0;
  size_t depth_ = 0;
  size_t comparisons_ = 0;
  Pattern pattern_;
  std::vector<uint32_t> heights_;  // parallel to pattern_.nodes
};

}  // namespace

Result<Pattern> ParsePattern(std::string_view text, const PatternLimits& limits) {
  CONCORD_ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text, limits));
  return Parser(text, std::move(tokens), limits).Run();
}

}  // namespace concord::pattern
