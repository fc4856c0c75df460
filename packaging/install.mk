# Installs Sparekey from this unpacked archive:
#
#   make install                      # into /usr/local (as root)
#   make install PREFIX=$HOME/.local  # just for you, no root needed
#   make uninstall PREFIX=...         # removes exactly what install copied
#
# Your vault and settings live in your home folder and are never touched.
PREFIX  ?= /usr/local
DESTDIR ?=
target  := $(DESTDIR)$(PREFIX)

.PHONY: install uninstall

install:
	@cd usr && find . -type f | sort | while read -r f; do \
		case "$$f" in ./bin/*) mode=755 ;; *) mode=644 ;; esac; \
		install -D -m "$$mode" "$$f" "$(target)/$${f#./}" || exit 1; \
	done
	@# Menus and icon themes pick the new files up at once where these tools exist.
	@-gtk-update-icon-cache -q -t "$(target)/share/icons/hicolor" 2>/dev/null
	@-update-desktop-database -q "$(target)/share/applications" 2>/dev/null
	@echo "Installed Sparekey into $(target); run $(target)/bin/sparekey"

uninstall:
	@cd usr && find . -type f | while read -r f; do rm -f "$(target)/$${f#./}"; done
	@rmdir "$(target)/share/doc/sparekey" "$(target)/share/licenses/sparekey" 2>/dev/null || true
	@echo "Removed Sparekey from $(target)"
