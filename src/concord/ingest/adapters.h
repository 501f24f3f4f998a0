#pragma once

// The adapters: one function per telemetry source, each in its own file, each turning one event
// into STIX cyber-observable objects through observe::ObservationBuilder. Internal to ingest:
// EventMapper parses the line and calls them.
//
// Each adapter:
//   - starts the observation with builder->Reset(event time) before adding objects;
//   - returns InvalidArgument, with a sentence naming the field ("field 'ts': expected seconds
//     since 1970, got \"abc\""), when the event cannot be read: no time, a field of the wrong
//     type. The event is then skipped; the caller adds file and line;
//   - never fails on what it does not know: an unknown log or event type, an unexpected extra
//     field. An unknown kind of event still yields every address the adapter can recognise.
// docs/mappings.md lists each adapter's mapping; the golden files under testdata/ingest hold it
// to that list.

#include <span>
#include <string_view>

#include "concord/base/status.h"
#include "concord/ingest/log_context.h"
#include "concord/json/document.h"
#include "concord/observe/builder.h"

namespace concord::ingest {

// Zeek, JSON lines: fields named "id.orig_h" or "id_orig_h"; "_path" (when present) or
// context.zeek_path tells the log type. With `fast` (not null), a probe-mode builder and the
// commonest shapes of event, a fast path reports to the builder's sink what the general mapping
// would (see zeek_fast_path.cc), and sets *fast to true; otherwise *fast is false. Null: always the
// general mapping (for tests that hold the two together).
Status MapZeekJson(json::ObjectView event, const LogContext& context,
                   observe::ObservationBuilder* builder, bool* fast = nullptr);

// Zeek, TSV: `values` are the line's fields in context.fields order (same count, checked by the
// caller), not yet unescaped; context.unset_field / empty_field / set_separator apply.
Status MapZeekTsv(std::span<const std::string_view> values, const LogContext& context,
                  observe::ObservationBuilder* builder);

// Suricata EVE: any event_type; alert, flow, dns (v2 and v3 layouts), http, tls, fileinfo,
// smtp and quic mapped in full. `fast` as for MapZeekJson (see suricata_fast_path.cc).
Status MapSuricataEve(json::ObjectView event, observe::ObservationBuilder* builder,
                      bool* fast = nullptr);

// Sysmon as ECS (Winlogbeat) and as flat JSON: event IDs 1 (process creation), 3 (network
// connection), 22 (DNS query), 11 (file creation), 7 (image load) mapped in full.
Status MapSysmonEcs(json::ObjectView event, observe::ObservationBuilder* builder);
Status MapSysmonFlat(json::ObjectView event, observe::ObservationBuilder* builder);

}  // namespace concord::ingest
