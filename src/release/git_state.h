// Where and when a release was made: the commit of the working folder,
// whether it had local changes, and the time, for the model card.
#pragma once

#include <string>

namespace kplab {

// HEAD of the git checkout around the working folder; "" outside one (or without git).
std::string git_commit();
// Tracked files differ from HEAD (untracked files do not count).
bool git_has_local_changes();
// Now, as 2024-05-01T12:00:00Z.
std::string utc_now();

}  // namespace kplab
