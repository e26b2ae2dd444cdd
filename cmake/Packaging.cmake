# Installation layout and the Debian package (cpack -G DEB, or scripts/package.sh).
#
#   bin/probity
#   share/probity/probity.idx          the compiled catalogue index (cli/index_location.cpp
#                                      finds it beside PREFIX/bin/probity)
#   share/probity/catalogue/           the YAML catalogue the index is compiled from
#   share/probity/vendors/             vendor overlays, when catalogue/data/vendors exists
#   share/man/man{1,5,7}/              probity manual --format man, gzipped
#   share/doc/probity/html/            probity manual --format html
#   share/doc/probity/examples/*.d     the guide's example scripts (docs/manual/examples)
#   share/doc/probity/examples/policy.yaml   when docs/manual/site-policy.md has an example
#   share/doc/probity/copyright        the top-level LICENSE (Apache-2.0), where Debian wants it
#
# The binary's and the catalogue's rules are in cli/ and catalogue/; this file
# holds the generated manual's and the package's.

# The manual is generated at build time by the probity just built, from the
# index just compiled (the guide is embedded in the binary).
set(PROBITY_MANUAL_OUTPUT_DIR ${CMAKE_BINARY_DIR}/manual)
set(PROBITY_MANUAL_STAMP ${PROBITY_MANUAL_OUTPUT_DIR}/manual.stamp)
add_custom_command(
  OUTPUT ${PROBITY_MANUAL_STAMP}
  COMMAND ${CMAKE_COMMAND}
          -DPROBITY=$<TARGET_FILE:probity>
          -DINDEX=${PROBITY_INDEX_FILE}
          -DOUTPUT_DIR=${PROBITY_MANUAL_OUTPUT_DIR}
          -P ${CMAKE_CURRENT_LIST_DIR}/GenerateManual.cmake
  COMMAND ${CMAKE_COMMAND} -E touch ${PROBITY_MANUAL_STAMP}
  DEPENDS probity probity_index ${PROBITY_INDEX_FILE} ${CMAKE_CURRENT_LIST_DIR}/GenerateManual.cmake
  COMMENT "Generating the man pages and the HTML manual"
  VERBATIM)
add_custom_target(probity_manual_pages ALL DEPENDS ${PROBITY_MANUAL_STAMP})

install(DIRECTORY ${PROBITY_MANUAL_OUTPUT_DIR}/man/ DESTINATION share/man)
install(DIRECTORY ${PROBITY_MANUAL_OUTPUT_DIR}/html/ DESTINATION share/doc/probity/html)
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION share/doc/probity RENAME copyright)
# Each carries the options it needs as #pragma D option: it runs as installed.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/manual/examples/ DESTINATION share/doc/probity/examples
        FILES_MATCHING PATTERN "*.d")

# A commented example of the site policy, taken from the first ```yaml block of
# docs/manual/site-policy.md; a site writes its own /etc/probity/policy.yaml,
# so the package installs no policy.
set(PROBITY_SITE_POLICY_DOC ${PROJECT_SOURCE_DIR}/docs/manual/site-policy.md)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/manual)
if(EXISTS ${PROBITY_SITE_POLICY_DOC})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROBITY_SITE_POLICY_DOC})
  file(READ ${PROBITY_SITE_POLICY_DOC} site_policy_doc)
  string(REGEX MATCH "```yaml\n([^`]*)```" site_policy_block "${site_policy_doc}")
  if(site_policy_block)
    file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/examples/policy.yaml
         CONTENT "# An example site policy (from probity's manual, docs/manual/site-policy.md).\n# probity reads /etc/probity/policy.yaml; copy this file there and edit it.\n${CMAKE_MATCH_1}"
         @ONLY)
    install(FILES ${CMAKE_BINARY_DIR}/examples/policy.yaml DESTINATION share/doc/probity/examples)
  endif()
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME probity)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Probity maintainers <probity@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "documented, stable and safe dynamic tracing on kernel tracepoints")
set(CPACK_PACKAGE_DESCRIPTION
    "Probity runs D programs (bpftrace spellings accepted) against the kernel's
static tracepoints only. Every probe and field is in a versioned catalogue
with a reference manual and a DTrace-style stability attribute; programs
that lean on unstable probes are refused unless the user lowers the bar, and
forbidden probes cannot be reached.")
# Debian's layout whatever CMAKE_INSTALL_PREFIX the build was configured with:
# the binary finds its index relative to itself.
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends from the binary's shared libraries (libtraceevent1, libtracefs1,
# libyaml-cpp0.7, ...), with the versions dpkg-shlibdeps derives.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "qemu-system-x86, busybox-static, cpio, man-db")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR})
include(CPack)
