#include <cstdio>

#include "concord/cli/commands.h"
#include "concord/json/writer.h"

namespace concord::cli {
namespace {

void WriteCollection(json::Writer& w, const store::Collection& c) {
  w.BeginObject();
  w.Key("id");
  w.String(c.id);
  w.Key("alias");
  w.String(c.alias);
  w.Key("title");
  w.String(c.title);
  w.Key("description");
  w.String(c.description);
  w.Key("api_root");
  w.String(c.api_root);
  w.EndObject();
}

}  // namespace

int RunCollectionCreate(const DataDir& dir, const CollectionOptions& options,
                        const OutputOptions& out, Clock* clock) {
  auto store = dir.OpenStore(clock, /*create=*/true);
  if (!store.ok()) {
    std::fprintf(stderr, "concord collection create: %s\n", store.status().message().c_str());
    return 2;
  }
  store::Collection c;
  c.alias = options.alias;
  c.title = options.title.empty() ? options.alias : options.title;
  c.description = options.description;
  if (!options.api_root.empty()) c.api_root = options.api_root;
  auto created = (*store)->CreateCollection(std::move(c));
  if (!created.ok()) {
    std::fprintf(stderr, "concord collection create: %s\n", created.status().message().c_str());
    return 1;
  }
  if (out.json) {
    std::string text;
    json::Writer w(&text);
    WriteCollection(w, *created);
    std::printf("%s\n", text.c_str());
  } else {
    std::printf("created collection %s (%s)\n", created->alias.c_str(), created->id.c_str());
  }
  return 0;
}

int RunCollectionList(const DataDir& dir, const OutputOptions& out, Clock* clock) {
  auto store = dir.OpenStore(clock, /*create=*/false);
  if (!store.ok()) {
    std::fprintf(stderr, "concord collection list: %s\n", store.status().message().c_str());
    return 2;
  }
  auto list = (*store)->ListCollections();
  if (!list.ok()) {
    std::fprintf(stderr, "concord collection list: %s\n", list.status().message().c_str());
    return 2;
  }
  if (out.json) {
    std::string text;
    json::Writer w(&text);
    w.BeginArray();
    for (const auto& c : *list) WriteCollection(w, c);
    w.EndArray();
    std::printf("%s\n", text.c_str());
  } else {
    for (const auto& c : *list) {
      std::printf("%-20s %s  /%s/  %s\n", c.alias.c_str(), c.id.c_str(), c.api_root.c_str(),
                  c.title.c_str());
    }
  }
  return 0;
}

}  // namespace concord::cli
