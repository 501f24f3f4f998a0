#pragma once

// An InputStream over a file that is still being written (`concord scan --follow`, like
// `tail -F`): at the end of the file it waits for more instead of ending. A file truncated in
// place is read again from its start; a file replaced by another of the same name (log
// rotation) is reopened and read from its start once the old one has been read to its end.
// The stream ends only when `stop` becomes true (e.g. from a signal handler).

#include <atomic>
#include <memory>
#include <string>

#include "concord/base/input_stream.h"

namespace concord {

// `poll_ms`: how long to wait before looking again at the end of the file.
Result<std::unique_ptr<InputStream>> OpenFollowing(const std::string& path,
                                                   const std::atomic<bool>* stop,
                                                   int poll_ms = 200);

}  // namespace concord
