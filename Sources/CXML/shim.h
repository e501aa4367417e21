#ifndef CXML_SHIM_H
#define CXML_SHIM_H

/*
 * Debian's libxml2 is built with ICU, so its headers pull in the system <unicode/ucnv.h>. Foundation
 * ships its own ICU module with the same type names, and a Swift file that sees both fails with
 * "'UErrorCode' has different definitions in different modules". Nothing here needs ICU: the only
 * affected declarations are two trailing pointer fields of xmlCharEncodingHandler, which Swift never
 * allocates or reads, so the layouts Swift does use are unchanged.
 */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/globals.h>

/* `xmlFree` is a C global variable, which Swift 6 rejects as shared mutable state. */
static inline void cxml_free(void *pointer) {
    xmlFree(pointer);
}

/* Swift cannot define a variadic C function, and xmlGenericErrorFunc is variadic. */
static inline void cxml_ignore_generic_error(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

static inline void cxml_ignore_structured_error(void *context, xmlErrorPtr error) {
    (void)context;
    (void)error;
}

/* The calling thread's libxml2 error handlers; libxml2 keeps them per thread. */
typedef struct {
    xmlGenericErrorFunc generic;
    void *genericContext;
    xmlStructuredErrorFunc structured;
    void *structuredContext;
} cxml_error_handlers;

/*
 * Errors raised without a parser context (for example encoding conversion failures) go to the
 * thread's handlers, whose default prints to stderr. Silence them for one parse on this thread
 * and hand back what was there so the caller can put it back.
 */
static inline cxml_error_handlers cxml_silence_thread_error_handlers(void) {
    cxml_error_handlers saved = {
        xmlGenericError, xmlGenericErrorContext, xmlStructuredError, xmlStructuredErrorContext
    };
    xmlSetGenericErrorFunc(NULL, cxml_ignore_generic_error);
    xmlSetStructuredErrorFunc(NULL, cxml_ignore_structured_error);
    return saved;
}

static inline void cxml_restore_thread_error_handlers(cxml_error_handlers saved) {
    xmlSetGenericErrorFunc(saved.genericContext, saved.generic);
    xmlSetStructuredErrorFunc(saved.structuredContext, saved.structured);
    xmlResetLastError();
}

#endif
