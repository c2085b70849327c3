// ThreadPool: workers sleep on a condition variable between jobs; a job is a task counter they
// (and the caller) draw from under the mutex. Tasks are coarse (a band of rows, ~1 ms), so one
// lock per task costs nothing measurable.
#include "thread_pool.h"

#include <algorithm>
#include <exception>
#include <memory>
#include <system_error>
#include <utility>

namespace filterlens {
namespace {

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
constexpr bool kThreadsAvailable = false;
#else
constexpr bool kThreadsAvailable = true;
#endif
#if defined(__EMSCRIPTEN_PTHREADS__)
// The page starts one worker per logical core (PTHREAD_POOL_SIZE); more threads than that would
// wait for a worker that the blocked main thread can never start.
constexpr bool kThreadsPreloaded = true;
#else
constexpr bool kThreadsPreloaded = false;
#endif

std::mutex& shared_mutex() {
  static std::mutex m;
  return m;
}

std::unique_ptr<ThreadPool>& shared_slot() {
  static std::unique_ptr<ThreadPool> pool;
  return pool;
}

}  // namespace

bool threads_available() {
  return kThreadsAvailable;
}

int hardware_threads() {
  if (!kThreadsAvailable) return 1;
  const unsigned n = std::thread::hardware_concurrency();
  return std::clamp(static_cast<int>(n), 1, ThreadPool::kMaxThreads);
}

ThreadPool::ThreadPool(int threads) {
  size_ = kThreadsAvailable ? std::clamp(threads, 1, kMaxThreads) : 1;
  if (kThreadsPreloaded) size_ = std::min(size_, hardware_threads());
  workers_.reserve(static_cast<std::size_t>(size_ - 1));
  for (int i = 1; i < size_; ++i) {
    try {
      workers_.emplace_back([this] { worker_loop(); });
    } catch (const std::system_error&) {  // the system gives no more threads: fewer then
      break;
    }
  }
  size_ = 1 + static_cast<int>(workers_.size());
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void ThreadPool::take_tasks() {
  // Called with the job published; draws task indices until none are left. A task that throws
  // (std::bad_alloc in a band's buffers) ends the job: the tasks not started are dropped, the
  // first exception is kept for run() to rethrow once no thread is inside the job any more.
  std::unique_lock<std::mutex> lock(mutex_);
  while (next_ < tasks_) {
    const int i = next_++;
    const std::function<void(int)>* fn = job_;
    lock.unlock();
    std::exception_ptr failed;
    try {
      (*fn)(i);
    } catch (...) {
      failed = std::current_exception();
    }
    lock.lock();
    int finished = 1;
    if (failed) {
      if (!error_) error_ = failed;
      finished += tasks_ - next_;
      next_ = tasks_;
    }
    finished_ += finished;
    if (finished_ == tasks_) done_.notify_all();
  }
}

void ThreadPool::worker_loop() {
  long seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    take_tasks();
  }
}

void ThreadPool::run(int tasks, const std::function<void(int)>& fn) {
  if (tasks <= 0) return;
  if (size_ == 1 || tasks == 1) {
    for (int i = 0; i < tasks; ++i) fn(i);
    return;
  }
  // One job at a time. A second caller (the UI thread while the model's worker computes) does
  // not wait for the first job, which may take seconds: it runs its tasks itself, one after the
  // other. Same results: how tasks are shared out never changes what they compute.
  std::unique_lock<std::mutex> one_job(run_mutex_, std::try_to_lock);
  if (!one_job.owns_lock()) {
    for (int i = 0; i < tasks; ++i) fn(i);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &fn;
    tasks_ = tasks;
    next_ = 0;
    finished_ = 0;
    ++generation_;
  }
  wake_.notify_all();
  take_tasks();
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return finished_ == tasks_; });
  job_ = nullptr;
  tasks_ = 0;
  const std::exception_ptr failed = std::exchange(error_, nullptr);
  lock.unlock();
  if (failed) std::rethrow_exception(failed);
}

ThreadPool& shared_pool() {
  std::lock_guard<std::mutex> lock(shared_mutex());
  std::unique_ptr<ThreadPool>& slot = shared_slot();
  if (!slot) slot = std::make_unique<ThreadPool>(hardware_threads());
  return *slot;
}

void set_shared_pool_threads(int threads) {
  std::lock_guard<std::mutex> lock(shared_mutex());
  shared_slot() = std::make_unique<ThreadPool>(threads <= 0 ? hardware_threads() : threads);
}

}  // namespace filterlens
