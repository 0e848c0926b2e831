# Install rules and the Debian package (`make package`: CPack's DEB generator). Included from
# the top CMakeLists.txt after the programs' targets exist. docs/deployment.md explains the
# installed layout; packaging/README.md the maintainer scripts.
include(GNUInstallDirs)

foreach(program floorwatchd floorwatchctl floorwatch-collector floorwatch-wallboard)
  if(TARGET ${program})
    install(TARGETS ${program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()
install(FILES config/floorwatch.yaml DESTINATION ${CMAKE_INSTALL_DATADIR}/floorwatch/examples)
install(FILES config/prometheus/floorwatch-rules.yml
              config/prometheus/floorwatch-recording-rules.yml
              config/grafana/floorwatch.json config/alertmanager.yml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/floorwatch/examples)

# The system config is the commented example with the state kept in /var/lib/floorwatch (the
# state directory the package and the unit create). Made here so config/floorwatch.yaml stays
# the one copy of the comments.
file(READ ${PROJECT_SOURCE_DIR}/config/floorwatch.yaml floorwatch_config)
set(floorwatch_state_commented "# state:\n#   path: /var/lib/floorwatch/state.db\n")
string(FIND "${floorwatch_config}" "${floorwatch_state_commented}" floorwatch_state_at)
if(floorwatch_state_at EQUAL -1)
  message(FATAL_ERROR "config/floorwatch.yaml no longer has the commented state block that "
                      "packaging/packaging.cmake turns on for /etc/floorwatch/floorwatch.yaml")
endif()
string(REPLACE "${floorwatch_state_commented}" "state:\n  path: /var/lib/floorwatch/state.db\n"
               floorwatch_config "${floorwatch_config}")
set(FLOORWATCH_PACKAGED_CONFIG ${PROJECT_BINARY_DIR}/packaging/floorwatch.yaml)
file(CONFIGURE OUTPUT ${FLOORWATCH_PACKAGED_CONFIG} CONTENT "${floorwatch_config}" @ONLY)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${PROJECT_SOURCE_DIR}/config/floorwatch.yaml)

# Units and the config depend on the prefix, known only at install time.
install(CODE "set(FLOORWATCH_SOURCE_DIR \"${PROJECT_SOURCE_DIR}\")
set(FLOORWATCH_PACKAGED_CONFIG \"${FLOORWATCH_PACKAGED_CONFIG}\")")
install(SCRIPT packaging/install-system-files.cmake)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME floorwatch)
set(CPACK_PACKAGE_VENDOR floorwatch)
set(CPACK_PACKAGE_CONTACT "floorwatch maintainers <floorwatch@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "real-time contact-centre wallboard and alerting daemon")
set(CPACK_PACKAGE_DESCRIPTION
    "floorwatchd keeps the live state of ACD queues, calls and agents, computes service level\n\
over rolling, interval and daily windows, raises alerts with escalation and exports\n\
everything to Prometheus and to wall-mounted boards; collectors for Asterisk, FreeSWITCH and\n\
JSON lines.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE https://github.com/floorwatch/floorwatch)
# Library dependencies from dpkg-shlibdeps; adduser for the maintainer scripts, tzdata for the
# sites' time zones (read at run time).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, tzdata")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "prometheus, prometheus-alertmanager")
# The conffiles list is made here: CPack does not mark /etc files by itself.
file(WRITE ${PROJECT_BINARY_DIR}/packaging/conffiles "/etc/floorwatch/floorwatch.yaml\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_BINARY_DIR}/packaging/conffiles
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
