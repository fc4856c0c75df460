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

# A stale icon cache would hide the new icon, so an existing one is rebuilt;
# where there is none, the theme is read directly and nothing is created.
icons := $(target)/share/icons/hicolor
refresh_icon_cache = if [ -f "$(icons)/icon-theme.cache" ]; then gtk-update-icon-cache -q "$(icons)" || true; fi

install:
	@cd usr && find . -type f | sort | while read -r f; do \
		case "$$f" in ./bin/*) mode=755 ;; *) mode=644 ;; esac; \
		install -D -m "$$mode" "$$f" "$(target)/$${f#./}" || exit 1; \
	done
	@$(refresh_icon_cache)
	@echo "Installed Sparekey into $(target); run $(target)/bin/sparekey"

uninstall:
	@cd usr && find . -type f | while read -r f; do rm -f "$(target)/$${f#./}"; done
	@rmdir "$(target)/share/doc/sparekey" "$(target)/share/licenses/sparekey" 2>/dev/null || true
	@$(refresh_icon_cache)
	@echo "Removed Sparekey from $(target)"
