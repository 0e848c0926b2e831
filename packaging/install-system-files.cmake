# Runs at install time (`cmake --install`, and CPack while it stages the .deb), when the real
# prefix is known: /usr for the package, /usr/local by default from a source tree. Writes the
# systemd units with the programs' installed paths and, for the package, the system config.
# Set before it runs: FLOORWATCH_SOURCE_DIR, FLOORWATCH_PACKAGED_CONFIG.

set(root "$ENV{DESTDIR}")
set(bindir "${CMAKE_INSTALL_PREFIX}/bin")
# The units in config/systemd/ name /usr/local/bin (a source install); point them at this one.
foreach(unit floorwatchd.service floorwatch-collector@.service user/floorwatch-wallboard.service)
  file(READ "${FLOORWATCH_SOURCE_DIR}/config/systemd/${unit}" text)
  string(REPLACE "/usr/local/bin/" "${bindir}/" text "${text}")
  if(unit MATCHES "^user/")
    get_filename_component(name "${unit}" NAME)
    set(target "${root}${CMAKE_INSTALL_PREFIX}/lib/systemd/user/${name}")
  else()
    set(target "${root}${CMAKE_INSTALL_PREFIX}/lib/systemd/system/${unit}")
  endif()
  message(STATUS "Installing: ${target}")
  file(WRITE "${target}" "${text}")
endforeach()

# The system config, for the /usr prefix only (the package; GNUInstallDirs puts its
# configuration in /etc). A source install under /usr/local leaves /etc alone: the units name
# /etc/floorwatch/floorwatch.yaml and the administrator copies the example there
# (docs/operations.md). dpkg handles the conffile on upgrades; postinst makes it
# root:floorwatch 0640.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  # file(INSTALL) adds DESTDIR itself, and says what it installs.
  file(INSTALL "${FLOORWATCH_PACKAGED_CONFIG}" DESTINATION "/etc/floorwatch"
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endif()
