package practice

import "net/http"

const adminPrefix = "/_practice/"

func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }
