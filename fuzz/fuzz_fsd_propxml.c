/*
 * fuzz_fsd_propxml - ntsec-fsd's XML handling: a request body through FsdXmlParse (network,
 * DTDs and entities off); for every element of an accepted body, the dead-property stored
 * form (FsdPropValueFormat) must parse back (FsdPropValueParse) to an element of the same
 * namespace and name; and the raw input as a stored value must be parsed or refused safely.
 */
#include "fuzz_common.h"
#include "fuzz_fsd_stubs.h"
#include <libxml/tree.h>

static void FuzzWalk(xmlNodePtr N, int Depth)
{
    for (; N && Depth < 8; N = N->next) {
        if (N->type != XML_ELEMENT_NODE)
            continue;
        size_t len = 0;
        char *val = FsdPropValueFormat(N, &len);
        if (val != NULL) {
            const char *ns, *name;
            xmlDocPtr d = FsdPropValueParse(val, len, &ns, &name);
            if (d == NULL || strcmp(ns, FsdPropNs(N)) != 0 || strcmp(name, (const char *)N->name) != 0)
                abort();
            xmlFreeDoc(d);
            free(val);
        }
        FuzzWalk(N->children, Depth + 1);
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *Data, size_t Size)
{
    int st;
    xmlDocPtr doc = FsdXmlParse((const char *)Data, Size, &st);
    if (doc != NULL) {
        if (doc->intSubset != NULL)
            abort();   /* a DTD must never be accepted */
        FuzzWalk(xmlDocGetRootElement(doc), 0);
        xmlFreeDoc(doc);
    } else if (st != 400) {
        abort();
    }
    const char *ns, *name;
    xmlDocPtr d = FsdPropValueParse((const char *)Data, Size, &ns, &name);
    if (d)
        xmlFreeDoc(d);
    return 0;
}
