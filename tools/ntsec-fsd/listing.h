/* listing.h - GET on a collection: an HTML (Accept: text/html) or plain-text listing. */
#ifndef NTSEC_FSD_LISTING_H
#define NTSEC_FSD_LISTING_H
#include "fsd.h"
int FsdListing(FSD_REQ *Req, int ServerFd, BOOLEAN Head);
#endif
