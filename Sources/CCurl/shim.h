#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H

#include <curl/curl.h>

/*
 * Swift cannot call libcurl's variadic setopt/getinfo functions, and drops macros that
 * contain casts. These typed `static inline` trampolines and `static const` re-exports
 * are compiled by Clang inside the importing module, so no C target is needed.
 */

/* Typed curl_easy_setopt trampolines. */
static inline CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_write_function(CURL *handle, CURLoption option, curl_write_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

/* Typed curl_easy_getinfo trampolines. */
static inline CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode ccurl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode ccurl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

/* Typed curl_multi_setopt trampoline. */
static inline CURLMcode ccurl_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

/* CURLMsg.data is an anonymous union; Swift reaches the transfer result through this. */
static inline CURLcode ccurl_message_result(const CURLMsg *message) {
    return message->data.result;
}

/* Authentication bitmasks: the macros contain casts, so Swift cannot import them. */
static const long CCURL_AUTH_NONE = (long)CURLAUTH_NONE;
static const long CCURL_AUTH_BASIC = (long)CURLAUTH_BASIC;
static const long CCURL_AUTH_DIGEST = (long)CURLAUTH_DIGEST;
static const long CCURL_AUTH_ANY = (long)CURLAUTH_ANY;
static const long CCURL_AUTH_ANYSAFE = (long)CURLAUTH_ANYSAFE;

#endif /* CCURL_SHIM_H */
