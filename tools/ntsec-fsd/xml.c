/*
 * xml.c - request bodies through libxml2 only, with no network access (XML_PARSE_NONET),
 * no DTD loading, no default attributes and no entity substitution (XML_PARSE_DTDLOAD,
 * XML_PARSE_DTDATTR and XML_PARSE_NOENT are never set); a document that carries a DTD at
 * all (internal subset: the billion-laughs and XXE vectors) is refused with 400, as is any
 * well-formedness or namespace error.
 */
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include "fsd.h"

static void FsdpXmlSilence(void *Ctx, const char *Msg, ...) { (void)Ctx; (void)Msg; }

xmlDocPtr FsdXmlParse(const char *Body, size_t Length, int *Status)
{
    *Status = 400;
    if (Length == 0 || Length > FSD_MAX_BODY)
        return NULL;
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) {
        *Status = 500;
        return NULL;
    }
    xmlSetGenericErrorFunc(NULL, FsdpXmlSilence);
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, Body, (int)Length, NULL, NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    int ok = doc != NULL && ctxt->wellFormed && ctxt->nsWellFormed && doc->intSubset == NULL &&
             doc->extSubset == NULL && xmlDocGetRootElement(doc) != NULL;
    xmlFreeParserCtxt(ctxt);
    if (!ok) {
        if (doc)
            xmlFreeDoc(doc);
        return NULL;
    }
    *Status = 0;
    return doc;
}

int FsdXmlIs(xmlNodePtr Node, const char *Name)
{
    return Node != NULL && Node->type == XML_ELEMENT_NODE && Node->ns != NULL &&
           Node->ns->href != NULL && strcmp((const char *)Node->ns->href, "DAV:") == 0 &&
           strcmp((const char *)Node->name, Name) == 0;
}

int FsdRespondXml(FSD_REQ *Req, unsigned Status, xmlDocPtr Doc)
{
    xmlChar *mem = NULL;
    int len = 0;
    xmlDocDumpFormatMemoryEnc(Doc, &mem, &len, "utf-8", 1);
    if (mem == NULL)
        return FsdRespondError(Req, 500, FSD_LAYER_HTTP, "cannot format XML");
    int r = FsdRespond(Req, Status, FSD_LAYER_NONE, "application/xml; charset=utf-8",
                       (const char *)mem, (size_t)len);
    xmlFree(mem);
    return r;
}

/* FsdXmlNodeText - Node (with its subtree and the namespaces it uses) as a document of its own,
 * serialized in UTF-8: malloc'd, *Length bytes (no NUL); NULL when out of memory. */
char *FsdXmlNodeText(xmlNodePtr Node, size_t *Length)
{
    xmlDocPtr d = xmlNewDoc(BAD_CAST "1.0");
    if (d == NULL)
        return NULL;
    xmlNodePtr copy = xmlDocCopyNode(Node, d, 1);
    if (copy == NULL) {
        xmlFreeDoc(d);
        return NULL;
    }
    xmlDocSetRootElement(d, copy);
    xmlReconciliateNs(d, copy);
    xmlChar *mem = NULL;
    int len = 0;
    xmlDocDumpMemoryEnc(d, &mem, &len, "utf-8");
    xmlFreeDoc(d);
    if (mem == NULL)
        return NULL;
    char *text = malloc((size_t)len + 1);
    if (text != NULL) {
        memcpy(text, mem, (size_t)len);
        text[len] = 0;
        *Length = (size_t)len;
    }
    xmlFree(mem);
    return text;
}
