/*
 * propvalue.c - the stored form of a dead property (props.c): xattr name and value.
 *   name:  user.ntsec.dav.<16 hex digits of FNV-1a 64 over "namespace\nname">
 *   value: "namespace\0name\0" + the property element serialized as its own XML document
 *          (xmlReconciliateNs declares every namespace it uses, so it parses alone).
 * The value was written by a client: it is parsed back with the same hostile-input parser
 * as request bodies (FsdXmlParse). Fuzzed by fuzz/fuzz_fsd_propxml.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>
#include "fsd.h"

void FsdPropKey(const char *Ns, const char *Name, char *Buf, size_t Size)
{
    unsigned long long h = 1469598103934665603ULL;
    for (const char *p = Ns; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    h = (h ^ '\n') * 1099511628211ULL;
    for (const char *p = Name; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    snprintf(Buf, Size, FSD_PROP_XATTR_PREFIX "%016llx", h);
}

const char *FsdPropNs(xmlNodePtr N)
{
    return N->ns && N->ns->href ? (const char *)N->ns->href : "";
}

/* FsdPropValueFormat - the stored value of property element Prop (malloc'd, *Length bytes). */
char *FsdPropValueFormat(xmlNodePtr Prop, size_t *Length)
{
    const char *ns = FsdPropNs(Prop), *name = (const char *)Prop->name;
    size_t len;
    char *mem = FsdXmlNodeText(Prop, &len);
    if (mem == NULL)
        return NULL;
    size_t nl = strlen(ns), nm = strlen(name);
    size_t total = nl + 1 + nm + 1 + len;
    char *val = malloc(total);
    if (val != NULL) {
        memcpy(val, ns, nl + 1);
        memcpy(val + nl + 1, name, nm + 1);
        memcpy(val + nl + nm + 2, mem, len);
        *Length = total;
    }
    free(mem);
    return val;
}

/* FsdPropValueParse - the element of a stored value (its own document, freed with
 * xmlFreeDoc) and pointers to the namespace and name inside Value; NULL if malformed. */
xmlDocPtr FsdPropValueParse(const char *Value, size_t Len, const char **Ns, const char **Name)
{
    const char *z1 = memchr(Value, 0, Len);
    if (z1 == NULL)
        return NULL;
    const char *name = z1 + 1, *z2 = memchr(name, 0, Len - (size_t)(name - Value));
    if (z2 == NULL)
        return NULL;
    int st;
    xmlDocPtr d = FsdXmlParse(z2 + 1, Len - (size_t)(z2 + 1 - Value), &st);
    if (d == NULL)
        return NULL;
    xmlNodePtr root = xmlDocGetRootElement(d);
    /* the element must be the property the header names */
    if (strcmp((const char *)root->name, name) != 0 || strcmp(FsdPropNs(root), Value) != 0) {
        xmlFreeDoc(d);
        return NULL;
    }
    *Ns = Value;
    *Name = name;
    return d;
}
