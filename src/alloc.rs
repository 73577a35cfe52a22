//! The process's allocator: mimalloc (a third less time in allocation than glibc's malloc
//! on the checkout path), set up to give memory back to the OS.
//!
//! By default mimalloc keeps freed pages for a second and purges them only when the thread
//! that freed them allocates again, and asks for transparent huge pages, so a thread that
//! goes idle keeps whatever it last touched in 2 MiB pieces: `tandem up` sat at ~150 MiB
//! when idle. Without huge pages (crate feature `no_thp`) and with freed pages purged at
//! once it holds ~65 MiB, with the same checkout and search throughput in alternated runs
//! (README, "Performance").

/// The global allocator (see the module documentation).
pub type Allocator = mimalloc::MiMalloc;

/// mimalloc's option number for the purge delay (`mi_option_purge_delay` in the
/// `mimalloc.h` the pinned libmimalloc-sys builds; its Rust bindings name no constant).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Makes freed memory go back to the OS at once. Call it first thing in `main`, before
/// any thread starts; `MIMALLOC_PURGE_DELAY` in the environment still overrides it.
pub fn return_freed_memory_at_once() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: `mi_option_set` takes two plain integers, touches only mimalloc's option
    // table (atomics) and may be called at any time; 15 is `mi_option_purge_delay` in the
    // version Cargo.lock pins (checked by the test below against the option's default).
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_number_is_the_purge_delay() {
        // The purge delay defaults to 1000 ms in mimalloc 3, the only option with that
        // default; another number would read something else.
        #[allow(unsafe_code)]
        // SAFETY: reads mimalloc's option table; no other test sets this option.
        let default = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(default, 1000);
    }
}
