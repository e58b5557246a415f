"""Parties, users and credentials over HTTP (机构、用户与凭证接口): the HTTP edge of the access platform."""
