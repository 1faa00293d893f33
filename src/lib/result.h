// Errors as values: Result<T, E> holds either a T or an E, never both.
// A minimal std::expected for freestanding code (no exceptions, no heap).
#pragma once

#include <type_traits>
#include <utility>

namespace lib {

template <typename E>
struct Unexpected {
  E error;
};

template <typename E>
constexpr Unexpected<E> unexpected(E e) { return Unexpected<E>{e}; }

template <typename T, typename E>
class [[nodiscard]] Result {
 public:
  constexpr Result(T value) : ok_(true), value_(std::move(value)) {}  // NOLINT: implicit by design
  constexpr Result(Unexpected<E> u) : ok_(false), error_(u.error) {}   // NOLINT
  constexpr Result(E e) requires(!std::is_same_v<T, E>) : ok_(false), error_(e) {}  // NOLINT

  constexpr bool ok() const { return ok_; }
  constexpr explicit operator bool() const { return ok_; }
  constexpr const T& value() const { return value_; }
  constexpr T& value() { return value_; }
  constexpr const T& operator*() const { return value_; }
  constexpr const T* operator->() const { return &value_; }
  constexpr E error() const { return error_; }

 private:
  bool ok_;
  union {
    T value_;
    E error_;
  };
};

// Result without a value: success or an error.
template <typename E>
class [[nodiscard]] Status {
 public:
  constexpr Status() : ok_(true), error_{} {}
  constexpr Status(E e) : ok_(false), error_(e) {}  // NOLINT
  constexpr Status(Unexpected<E> u) : ok_(false), error_(u.error) {}  // NOLINT
  constexpr bool ok() const { return ok_; }
  constexpr explicit operator bool() const { return ok_; }
  constexpr E error() const { return error_; }

 private:
  bool ok_;
  E error_;
};

}  // namespace lib
