// Checking kplab::Error messages: one line, naming the file, the field and the
// values (core/error.h). Header-only, so any test file can include it.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <initializer_list>
#include <string>

#include "core/error.h"

namespace kplab::test {

// Runs `fn`, expecting a kplab::Error whose message is one line containing
// every part. Returns the message ("" when nothing or something else was thrown).
inline std::string expect_error_with(const std::function<void()>& fn, std::initializer_list<std::string> parts) {
  try {
    fn();
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "error should be one line: " << msg;
    for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
    return msg;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected kplab::Error, got another exception: " << e.what();
    return "";
  }
  ADD_FAILURE() << "expected kplab::Error, nothing was thrown";
  return "";
}

}  // namespace kplab::test
